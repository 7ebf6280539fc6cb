import type { JobRun } from './jobRuns.js';
import type { JobSchedule } from './schedules.js';

/** One line of `citewatch jobs`. */
export type JobListing = {
  name: string;
  description: string;
  schedule: string;
  scheduleFrom: JobSchedule['from'];
  lastRun: {
    startedAt: string;
    trigger: string;
    result: string;
    durationMs: number | null;
    /** Why it failed, when it did. */
    error?: string;
  } | null;
  /** The latest tick skipped because a run was still going, if any came after the last run started. */
  skippedAt: string | null;
  nextRun: string | null;
};

/**
 * What `citewatch jobs` shows of each job: its schedule and where that came from, its last run (a
 * run still going shows as running, with no duration), a skipped tick since, and when it runs next.
 * Pure: the runs and next times are read by the caller.
 */
export function listJobs(
  jobs: readonly { name: string; description: string }[],
  schedules: Map<string, JobSchedule>,
  latest: Map<string, { last: JobRun | null; lastSkipped: JobRun | null }>,
  nextRun: (cron: string) => Date | null,
): JobListing[] {
  return jobs.map((job) => {
    const schedule = schedules.get(job.name)!;
    const { last, lastSkipped } = latest.get(job.name) ?? { last: null, lastSkipped: null };
    const error = last?.result === 'failed' ? String(last.detail.error ?? '') : undefined;
    return {
      name: job.name,
      description: job.description,
      schedule: schedule.cron,
      scheduleFrom: schedule.from,
      lastRun: last && {
        startedAt: last.startedAt.toISOString(),
        trigger: last.trigger,
        result: last.result,
        durationMs: last.finishedAt ? last.finishedAt.getTime() - last.startedAt.getTime() : null,
        ...(error === undefined ? {} : { error }),
      },
      skippedAt: lastSkipped && (!last || lastSkipped.startedAt >= last.startedAt) ? lastSkipped.startedAt.toISOString() : null,
      nextRun: nextRun(schedule.cron)?.toISOString() ?? null,
    };
  });
}
