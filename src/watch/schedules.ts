import cron from 'node-cron';
import type { Config } from '../config/loadConfig.js';
import { ConfigError } from '../errors.js';

type Scheduled = { name: string; defaultSchedule: string };

export type JobSchedule = { cron: string; from: 'jobSchedules' | 'crawlSchedule' | 'default' | 'flag' };

/**
 * When each job runs: a flag (`watch --schedule` for crawl), else `jobSchedules.<name>`, else for
 * crawl the older `crawlSchedule` setting (its default is crawl's own), else the job's default.
 * Every expression is checked here, and a jobSchedules key naming no job is refused by name.
 */
export function resolveSchedules(
  jobs: readonly Scheduled[],
  config: Pick<Config, 'jobSchedules' | 'crawlSchedule'>,
  flags: Record<string, string | undefined> = {},
): Map<string, JobSchedule> {
  const known = new Set(jobs.map((j) => j.name));
  const unknown = Object.keys(config.jobSchedules).filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new ConfigError(`config key jobSchedules names no job: ${unknown.join(', ')} (jobs: ${[...known].join(', ')})`);
  const out = new Map<string, JobSchedule>();
  for (const job of jobs) {
    const schedule: JobSchedule = flags[job.name]
      ? { cron: flags[job.name]!, from: 'flag' }
      : config.jobSchedules[job.name]
        ? { cron: config.jobSchedules[job.name], from: 'jobSchedules' }
        : job.name === 'crawl'
          ? { cron: config.crawlSchedule, from: config.crawlSchedule === job.defaultSchedule ? 'default' : 'crawlSchedule' }
          : { cron: job.defaultSchedule, from: 'default' };
    const check = cron.validateDetailed(schedule.cron);
    if (!check.valid) {
      const key = schedule.from === 'jobSchedules' ? `jobSchedules.${job.name}` : schedule.from === 'flag' ? '--schedule' : schedule.from;
      throw new ConfigError(`${key}: "${schedule.cron}" is not a cron expression: ${check.errors.map((e) => e.message).join('; ')}`);
    }
    out.set(job.name, schedule);
  }
  return out;
}

/** The next time a cron expression fires after now (node-cron's own reading of it). */
export function nextRunOf(expression: string): Date | null {
  const task = cron.createTask(expression, () => {});
  try {
    return task.getNextRuns(1)[0] ?? null;
  } finally {
    void task.destroy();
  }
}
