import type { Config } from '../config/loadConfig.js';
import { defaultWorkerId } from '../crawl/checkSource.js';
import type { Database } from '../db/open.js';
import { claimJob } from './jobClaim.js';
import type { ServiceJob } from './jobDeps.js';
import { finishRun, recordSkipped, type JobTrigger } from './jobRuns.js';
import type { Logger } from './logger.js';

export type RunOutcome = { result: 'ok' | 'failed' | 'skipped'; durationMs: number; detail: Record<string, unknown> };

export type Runner = {
  /** Runs `job` once now, unless a run of it is still going (then records and logs a skip). */
  run(job: ServiceJob, trigger: JobTrigger): Promise<RunOutcome>;
};

export type RunnerDeps = { database: Database; config: Config; signal: AbortSignal; log: Logger; workerId?: string };

/**
 * Runs jobs one run at a time per job (in this process, and across processes: jobClaim.ts), each run
 * recorded in job_runs (running, then ok or failed with the job's summary or the error) and logged as
 * started, finished or failed with its duration. A job's error never escapes: the service goes on.
 */
export function createRunner({ database, config, signal, log, workerId = defaultWorkerId() }: RunnerDeps): Runner {
  const inFlight = new Set<string>();
  const { db } = database;

  const skip = async (job: ServiceJob, trigger: JobTrigger, reason: string): Promise<RunOutcome> => {
    log.log({ level: 'warn', job: job.name, event: 'skipped', message: reason, detail: { reason, trigger } });
    await recordSkipped(db, job.name, trigger, workerId, reason).catch((err) =>
      log.log({ level: 'error', job: job.name, event: 'record-failed', message: (err as Error).message }),
    );
    return { result: 'skipped', durationMs: 0, detail: { reason } };
  };

  return {
    async run(job, trigger) {
      if (inFlight.has(job.name)) return skip(job, trigger, 'the previous run is still going');
      inFlight.add(job.name);
      try {
        const claim = await claimJob(database, job.name, trigger, workerId);
        if ('busy' in claim) return await skip(job, trigger, claim.busy);
        // A tick that fired as the service began stopping: its claim came back too late to start.
        if (signal.aborted) {
          const detail = { reason: 'the service is stopping' };
          await finishRun(db, claim.run.id, 'skipped', detail).finally(() => claim.release());
          return { result: 'skipped', durationMs: 0, detail };
        }
        const started = performance.now();
        log.log({ job: job.name, event: 'started', detail: { trigger, runId: claim.run.id } });
        try {
          const result = await job.run({ db, storeAndSettle: database.storeAndSettle, config, signal, log });
          const detail = asDetail(result);
          const durationMs = Math.round(performance.now() - started);
          await finishRun(db, claim.run.id, 'ok', detail);
          log.log({ job: job.name, event: 'finished', durationMs, detail, message: job.summarize?.(result) });
          return { result: 'ok', durationMs, detail };
        } catch (err) {
          const detail = { error: (err as Error).message };
          const durationMs = Math.round(performance.now() - started);
          await finishRun(db, claim.run.id, 'failed', detail).catch(() => {});
          log.log({ level: 'error', job: job.name, event: 'failed', durationMs, detail, message: detail.error });
          return { result: 'failed', durationMs, detail };
        } finally {
          await claim.release();
        }
      } catch (err) {
        // The claim itself failed (the database is unreachable): nothing ran, nothing to record.
        const detail = { error: (err as Error).message };
        log.log({ level: 'error', job: job.name, event: 'failed', detail, message: detail.error });
        return { result: 'failed', durationMs: 0, detail };
      } finally {
        inFlight.delete(job.name);
      }
    },
  };
}

/** A job's result as a JSON object for job_runs.detail (Dates as strings, a bare value wrapped). */
function asDetail(result: unknown): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(result ?? {}));
  return typeof plain === 'object' && plain !== null && !Array.isArray(plain) ? plain : { result: plain };
}
