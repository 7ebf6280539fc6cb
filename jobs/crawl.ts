import type { Job } from '../src/watch/scheduler.js';
import { runPass, type PassDeps, type PassSummary } from '../src/watch/runPass.js';

/**
 * The crawl job: one pass of the pipeline over the sources that are due. Its schedule is
 * `jobSchedules.crawl`, else the older `crawlSchedule` setting (whose default is this one); the
 * due-ness of each source, not the tick, decides what is checked, so a skipped tick only delays work.
 */
export const crawlJob: Job<PassDeps, PassSummary> = {
  name: 'crawl',
  description: 'a polite pass over the sources that are due: captures, states, changes, flags',
  defaultSchedule: '*/15 * * * *',
  run: (deps) => runPass(deps),
  summarize: (s) =>
    `checked ${s.checked} source(s) on ${s.hosts} host(s), ${s.changedContent} changed, ${s.errors} error(s), ${s.flagsOpened} flag(s) opened` +
    (s.interrupted ? ' (interrupted: captures so far are kept)' : ''),
};
