import cron, { type ScheduledTask } from 'node-cron';
import type { CrawlDeps, CrawlSelection } from '../src/crawl/crawlSources.js';
import { ConfigError } from '../src/errors.js';
import { runPass, type PassSummary } from '../src/watch/runPass.js';

/**
 * The scheduled crawl: each tick runs one pass of the pipeline (crawl, then state derivation and
 * flags as each capture lands) over the sources that are due. A pass that is still
 * running when the next tick comes is not doubled (noOverlap); the due-ness of each source, not the
 * tick, decides what is checked, so a missed tick only delays work. `citewatch watch` runs it.
 */

export type CrawlSchedule = {
  task: ScheduledTask;
  /** Stops scheduling and waits for a pass in flight to finish (it stops taking work once deps.signal aborts). */
  stop(): Promise<void>;
};

export function scheduleCrawl(
  cronExpr: string,
  deps: CrawlDeps & { onPass?(summary: PassSummary): void; onError?(err: unknown): void },
  selection: CrawlSelection = {},
): CrawlSchedule {
  const check = cron.validateDetailed(cronExpr);
  if (!check.valid) throw new ConfigError(`crawl schedule "${cronExpr}" is not a cron expression: ${check.errors.map((e) => e.message).join('; ')}`);
  let inFlight: Promise<void> | null = null;
  const task = cron.schedule(
    cronExpr,
    () => {
      if (deps.signal?.aborted) return;
      inFlight = runPass(deps, selection)
        .then((summary) => deps.onPass?.(summary))
        .catch((err) => deps.onError?.(err))
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    { name: 'citewatch-crawl', noOverlap: true },
  );
  return {
    task,
    async stop() {
      await task.stop();
      await inFlight;
      await task.destroy();
    },
  };
}
