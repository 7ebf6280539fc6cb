import type { Tx } from '../db/open.js';
import type { CaptureRow } from '../archive/store.js';
import { crawlSources, type CrawlDeps, type CrawlSelection, type CrawlSummary } from '../crawl/crawlSources.js';
import { rescheduleSource } from '../crawl/reschedule.js';
import { settleSource, type StateUpdate } from './settleSource.js';

export type PassSummary = CrawlSummary & {
  /** Sources whose derived state moved in this pass, by the state they moved to. */
  stateMoves: Record<string, number>;
  flagsOpened: number;
  flagsExtended: number;
  /** Sources whose state could not be derived this pass (kept as they were; retried with their next capture). */
  settleFailures: { sourceId: number; message: string }[];
};

/**
 * One pass of the pipeline, the way a source travels through it:
 *   select the due sources and crawl them, politely (crawl/: crawlSources → checkSource)
 *   → store each batch of captures, snapshots once per hash (archive/: storeCaptures)
 *   → in that same transaction, settle every source in the batch (settleSource: its state, the change
 *     behind it, the flags on the events citing it).
 * The crawl command, the scheduled job, the demo and the benchmarks all run this.
 */
export async function runPass(deps: Omit<CrawlDeps, 'afterStore'>, selection: CrawlSelection = {}): Promise<PassSummary> {
  const tally = {
    stateMoves: {} as Record<string, number>,
    flagsOpened: 0,
    flagsExtended: 0,
    settleFailures: [] as PassSummary['settleFailures'],
  };
  const count = (update: StateUpdate) => {
    if (update.moved) tally.stateMoves[update.verdict.state] = (tally.stateMoves[update.verdict.state] ?? 0) + 1;
    for (const flag of update.flags) flag.action === 'open' ? tally.flagsOpened++ : tally.flagsExtended++;
  };
  const settleBatch = async (tx: Tx, stored: CaptureRow[]) => {
    // Each source once per batch (a retry within the pass may store two of its captures), in order.
    for (const sourceId of new Set(stored.map((c) => c.sourceId))) {
      try {
        // A savepoint per source: one that cannot be settled keeps its capture and spoils nothing else.
        const settle = async (sp: Tx) => {
          const update = await settleSource(sp, deps.config, sourceId);
          // The crawl scheduled the next check from the state before; a state that moved may want it sooner.
          if (update.moved) await rescheduleSource(sp, deps.config, sourceId);
          return update;
        };
        count(await tx.transaction(settle));
      } catch (err) {
        tally.settleFailures.push({ sourceId, message: (err as Error).message.slice(0, 500) });
      }
    }
  };
  const summary = await crawlSources({ ...deps, afterStore: settleBatch }, selection);
  return { ...summary, ...tally };
}
