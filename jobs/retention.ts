import { applyRetention, type RetentionSummary } from '../src/archive/retention.js';
import { HISTORY_WINDOW } from '../src/states/loadHistory.js';
import type { JobDeps } from '../src/watch/jobDeps.js';
import type { Job } from '../src/watch/scheduler.js';

/**
 * The retention job: deletes captures older than `retentionKeepDays` (0, the default, keeps all),
 * keeping each source's newest `retentionKeepPerSource` (never fewer than the classifier reads), its
 * last good capture, and every capture a flag, a state, a verified baseline or a review refers to;
 * then the snapshots left without capture or change (src/archive/retentionPlan.ts decides).
 */
export const retentionJob: Job<JobDeps, RetentionSummary> = {
  name: 'retention',
  description: 'prune captures older than retentionKeepDays, keeping what flags, changes and baselines refer to',
  defaultSchedule: '30 3 * * *',
  run: ({ db, config, signal }) =>
    applyRetention(
      db,
      { keepDays: config.retentionKeepDays, keepPerSource: Math.max(config.retentionKeepPerSource, HISTORY_WINDOW) },
      new Date(),
      signal,
    ),
  summarize: (s) =>
    s.sourcesConsidered === 0
      ? 'nothing old enough to prune (retentionKeepDays 0 keeps everything)'
      : `${s.capturesDeleted} capture(s) and ${s.snapshotsDeleted} snapshot(s) deleted over ${s.sourcesConsidered} source(s)${s.interrupted ? ' (interrupted)' : ''}`,
};
