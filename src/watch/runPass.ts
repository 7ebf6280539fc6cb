import type { CaptureInput } from '../archive/storeCaptures.js';
import type { Config } from '../config/loadConfig.js';
import { crawlSources, type CrawlDeps, type CrawlSelection, type CrawlSummary } from '../crawl/crawlSources.js';
import type { StateUpdate } from './settleSource.js';
import { storeAndSettle, type StoreAndSettle } from './storeAndSettle.js';

export type PassSummary = CrawlSummary & {
  /** Sources whose derived state moved in this pass, by the state they moved to. */
  stateMoves: Record<string, number>;
  flagsOpened: number;
  flagsExtended: number;
  /** Sources whose state could not be derived this pass (kept as they were; retried with their next capture). */
  settleFailures: { sourceId: number; message: string }[];
};

export type PassDeps = Omit<CrawlDeps, 'storeBatch'> & {
  /** Where each batch is stored and settled: on the embedded database's own thread when it runs on one (Database.storeAndSettle), else here. */
  storeAndSettle?: StoreAndSettle;
};

/**
 * One pass of the pipeline, the way a source travels through it:
 *   select the due sources and crawl them, politely (crawl/: crawlSources → checkSource)
 *   → store each batch of captures, snapshots once per hash (archive/: storeCaptures)
 *   → in that same transaction, settle every source in the batch (settleSource: its state, the change
 *     behind it, the flags on the events citing it).
 * The crawl command, the scheduled job, the demo and the benchmarks all run this.
 */
export async function runPass(deps: PassDeps, selection: CrawlSelection = {}): Promise<PassSummary> {
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
  const settle = deps.storeAndSettle ?? ((config: Config, inputs: CaptureInput[]) => storeAndSettle(deps.db, config, inputs));
  const storeBatch = async (inputs: CaptureInput[]) => {
    const batch = await settle(deps.config, inputs);
    batch.updates.forEach(count);
    tally.settleFailures.push(...batch.failures);
    return batch.rows;
  };
  const summary = await crawlSources({ ...deps, storeBatch }, selection);
  return { ...summary, ...tally };
}
