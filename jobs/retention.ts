import { applyRetention, type RetentionSummary } from '../src/archive/retention.js';
import { JOB_RUNS_KEPT_MS, pruneJobRuns } from '../src/watch/jobRuns.js';
import { HISTORY_WINDOW } from '../src/states/loadHistory.js';
import type { JobDeps } from '../src/watch/jobDeps.js';
import type { Job } from '../src/watch/scheduler.js';

/**
 * The retention job: deletes captures older than `retentionKeepDays` (0, the default, keeps all),
 * keeping each source's newest `retentionKeepPerSource` (never fewer than the classifier reads), its
 * last good capture, and every capture a flag, a state, a verified baseline or a review refers to;
 * then the snapshots left without capture or change and the screenshot files no capture shows
 * (src/archive/retentionPlan.ts decides). It also
 * prunes the service's own history of job runs older than 30 days.
 */
export const retentionJob: Job<JobDeps, RetentionSummary & { jobRunsDeleted: number }> = {
  name: 'retention',
  description: 'prune captures older than retentionKeepDays, keeping what flags, changes and baselines refer to',
  defaultSchedule: '30 3 * * *',
  run: async ({ db, config, signal }) => {
    const now = new Date();
    const keepPerSource = Math.max(config.retentionKeepPerSource, HISTORY_WINDOW);
    const archive = await applyRetention(db, { keepDays: config.retentionKeepDays, keepPerSource }, now, { signal, home: config.home });
    return { ...archive, jobRunsDeleted: await pruneJobRuns(db, new Date(now.getTime() - JOB_RUNS_KEPT_MS)) };
  },
  summarize: (s) =>
    (s.sourcesConsidered === 0
      ? 'no capture old enough to prune (retentionKeepDays 0 keeps everything)'
      : `${s.capturesDeleted} capture(s), ${s.snapshotsDeleted} snapshot(s) and ${s.screenshotsDeleted} screenshot(s) deleted over ${s.sourcesConsidered} source(s)${s.interrupted ? ' (interrupted)' : ''}`) +
    `; ${s.jobRunsDeleted} job run(s) older than 30 days deleted`,
};
