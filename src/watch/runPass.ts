import { crawlSources, type CrawlDeps, type CrawlSelection, type CrawlSummary } from '../crawl/crawlSources.js';
import { updateSourceState } from '../states/updateSourceState.js';

export type PassSummary = CrawlSummary & {
  /** Sources whose derived state moved in this pass, by the state they moved to. */
  stateMoves: Record<string, number>;
  flagsOpened: number;
  flagsExtended: number;
};

/**
 * One pass of the watch pipeline: crawl the selected sources and, as each capture is archived,
 * re-derive its source's state and flag the events citing it. The crawl command, the scheduled
 * job and the demo all run this, so a capture never lands without its state being updated.
 */
export async function runPass(deps: CrawlDeps, selection: CrawlSelection = {}): Promise<PassSummary> {
  const stateMoves: Record<string, number> = {};
  let flagsOpened = 0;
  let flagsExtended = 0;
  const summary = await crawlSources(
    {
      ...deps,
      onCaptured: async (capture) => {
        const update = await updateSourceState(deps.db, deps.config, capture.sourceId);
        if (update.moved) stateMoves[update.verdict.state] = (stateMoves[update.verdict.state] ?? 0) + 1;
        for (const flag of update.flags) flag.action === 'open' ? flagsOpened++ : flagsExtended++;
        await deps.onCaptured?.(capture);
      },
    },
    selection,
  );
  return { ...summary, stateMoves, flagsOpened, flagsExtended };
}
