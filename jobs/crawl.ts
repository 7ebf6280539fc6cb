import type { CrawlDeps } from '../src/crawl/crawlSources.js';
import type { Job } from '../src/watch/scheduler.js';
import { runPass, type PassSummary } from '../src/watch/runPass.js';

/**
 * The crawl job: one pass of the pipeline over the sources that are due. Its schedule is the
 * `crawlSchedule` setting; the due-ness of each source, not the tick, decides what is checked, so a
 * skipped tick only delays work. `citewatch watch` runs it.
 */
export const crawlJob: Job<Omit<CrawlDeps, 'afterStore'>, PassSummary> = {
  name: 'crawl',
  description: 'a polite pass over the sources that are due: captures, states, changes, flags',
  run: (deps) => runPass(deps),
};
