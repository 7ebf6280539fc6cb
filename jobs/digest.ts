import { runDigest, type DigestSummary } from '../src/alerts/digest.js';
import type { Config } from '../src/config/loadConfig.js';
import type { Db } from '../src/db/open.js';
import type { Job } from '../src/watch/scheduler.js';

/**
 * The digest job: for each daily or weekly channel whose period is over, one digest alert grouping
 * what was held for it since the last one (the notify job delivers it). Checking often is cheap: a
 * run before the period ends does nothing.
 */
export const digestJob: Job<{ db: Db; config: Config; signal?: AbortSignal }, DigestSummary> = {
  name: 'digest',
  description: 'write the daily and weekly digests of channels whose period is over',
  defaultSchedule: '*/10 * * * *',
  run: (deps) => runDigest(deps),
  summarize: (s) => (s.digests.length ? s.digests.map((d) => `${d.channel}: digest of ${d.count} alert(s)`).join(', ') : 'no digest due'),
};
