import cron from 'node-cron';
import { ConfigError } from '../errors.js';

/** A scheduled job: what it is called, when it runs and what one run of it does (definitions live in jobs/). */
export type Job<Deps, Result> = {
  name: string;
  description: string;
  /** Its cron expression (node-cron, seconds allowed) unless configuration (`jobSchedules`) names another. */
  defaultSchedule: string;
  run(deps: Deps): Promise<Result>;
  /** One line for the readable log (the JSON log and `job_runs.detail` keep the whole result). */
  summarize?(result: Result): string;
};

export type ScheduleHooks<Result> = {
  /** Aborted: no new run starts; a run in flight is let finish (it watches the same signal). */
  signal?: AbortSignal;
  onDone?(result: Result): void;
  onError?(err: unknown): void;
  /** A tick that came while the previous run was still going, and was skipped. */
  onSkip?(): void;
};

export type Schedule = {
  /** Stops scheduling and waits for a run in flight to finish. */
  stop(): Promise<void>;
};

/**
 * Runs a job on a cron expression (node-cron, seconds allowed), one run at a time: a tick that comes
 * while a run is still going is skipped, not queued, so a slow pass never piles up behind itself.
 */
export function scheduleJob<Deps, Result>(
  job: Pick<Job<Deps, Result>, 'name' | 'run'>,
  cronExpr: string,
  deps: Deps,
  hooks: ScheduleHooks<Result> = {},
): Schedule {
  const check = cron.validateDetailed(cronExpr);
  if (!check.valid)
    throw new ConfigError(`${job.name} schedule "${cronExpr}" is not a cron expression: ${check.errors.map((e) => e.message).join('; ')}`);
  let inFlight: Promise<void> | null = null;
  const task = cron.schedule(
    cronExpr,
    () => {
      if (hooks.signal?.aborted) return;
      if (inFlight) return hooks.onSkip?.();
      inFlight = job
        .run(deps)
        .then(
          (result) => hooks.onDone?.(result),
          (err) => hooks.onError?.(err),
        )
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    { name: `citewatch-${job.name}` },
  );
  return {
    async stop() {
      await task.stop();
      await inFlight;
      await task.destroy();
    },
  };
}
