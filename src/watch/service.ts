import type { Config } from '../config/loadConfig.js';
import type { Database } from '../db/open.js';
import type { ServiceJob } from './jobDeps.js';
import type { Logger } from './logger.js';
import { createRunner } from './runner.js';
import { scheduleJob, type Schedule } from './scheduler.js';
import type { JobSchedule } from './schedules.js';

export type ServiceOptions = {
  database: Database;
  config: Config;
  jobs: readonly ServiceJob[];
  schedules: Map<string, JobSchedule>;
  log: Logger;
  /** Aborted by SIGTERM/SIGINT: no new run starts, runs in flight finish their current item. */
  signal: AbortSignal;
};

/**
 * The long-running service: every job on its schedule through one runner (one run per job at a time,
 * each recorded in job_runs). On the embedded database the caller opens it lent to other commands
 * (openDatabase's `lend`). Resolves once stopped: the signal fired and the runs in flight ended (a
 * crawl stops taking sources; what it stored is stored).
 */
export async function runService({ database, config, jobs, schedules, log, signal }: ServiceOptions): Promise<void> {
  if (database.lentAt)
    log.log({
      event: 'sharing',
      message: `other citewatch commands reach the database at ${database.lentAt}`,
      detail: { socket: database.lentAt },
    });
  const runner = createRunner({ database, config, signal, log });
  const running: Schedule[] = [];
  try {
    for (const job of jobs) {
      const { cron } = schedules.get(job.name)!;
      running.push(
        scheduleJob({ name: job.name, run: () => runner.run(job, 'schedule') }, cron, undefined, {
          signal,
          // The runner finds the run still in flight, and records and logs the skipped tick.
          onSkip: () => void runner.run(job, 'schedule'),
        }),
      );
    }
    log.log({
      event: 'started',
      message: `${jobs.map((j) => `${j.name} on "${schedules.get(j.name)!.cron}"`).join(', ')}; Ctrl-C or SIGTERM stops after the runs in flight`,
      detail: { pid: process.pid, database: database.kind, jobs: Object.fromEntries([...schedules].map(([name, s]) => [name, s.cron])) },
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.log({ event: 'stopping', message: 'no new runs; waiting for the runs in flight' });
  } finally {
    await Promise.all(running.map((s) => s.stop()));
  }
  log.log({ event: 'stopped' });
}
