import type { Command } from 'commander';
import { CitewatchError, UsageError } from '../../errors.js';
import type { JobListing } from '../../watch/jobList.js';
import { formatDuration } from '../../watch/logger.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerJobs(program: Command, bind: ActionBinder): void {
  const jobs = program.command('jobs').description("the service's jobs: schedule, last run, how long it took, how it ended, next run");
  bind(jobs, () => ({
    run: async ({ database, output, config }) => {
      const [{ JOBS }, { resolveSchedules, nextRunOf }, { latestRuns }, { listJobs }] = await Promise.all([
        import('../../../jobs/index.js'),
        import('../../watch/schedules.js'),
        import('../../watch/jobRuns.js'),
        import('../../watch/jobList.js'),
      ]);
      const schedules = resolveSchedules(JOBS, config);
      const { db } = await database();
      const listing = listJobs(JOBS, schedules, await latestRuns(db), nextRunOf);
      if (output.json) return output.printJson(listing);
      output.out(formatTable(['job', 'schedule', 'last run', 'took', 'result', 'next run'], listing.map(row)));
      for (const j of listing) {
        if (j.lastRun?.error) output.out(`${j.name} failed: ${j.lastRun.error}`);
        if (j.skippedAt) output.out(`${j.name}: a tick at ${j.skippedAt} was skipped (the run before it was still going)`);
      }
    },
  }));
  const run = jobs.command('run').argument('<name>', 'the job to run').description('run one job now (recorded as a manual run)');
  bind(run, (_options, [name]) => ({
    run: async ({ database, output, config, signal }) => {
      const [{ JOBS, findJob }, { createRunner }, { createLogger }] = await Promise.all([
        import('../../../jobs/index.js'),
        import('../../watch/runner.js'),
        import('../../watch/logger.js'),
      ]);
      const job = findJob(name);
      if (!job) throw new UsageError(`no job named "${name}"; the jobs are: ${JOBS.map((j) => j.name).join(', ')}`);
      const log = createLogger(output.json ? 'json' : config.logFormat, (line) => output.err(line));
      const outcome = await createRunner({ database: await database({ thread: config.databaseThread }), config, signal, log }).run(
        job,
        'manual',
      );
      if (output.json) output.printJson({ job: job.name, ...outcome });
      if (outcome.result === 'ok') return;
      const why = String(outcome.detail.error ?? outcome.detail.reason ?? '');
      throw new CitewatchError(`${job.name} ${outcome.result === 'skipped' ? 'did not run' : 'failed'}: ${why}`);
    },
  }));
}

function row(j: JobListing): (string | number | null)[] {
  const last = j.lastRun;
  return [
    j.name,
    j.schedule,
    last ? `${last.startedAt.slice(0, 19).replace('T', ' ')} (${last.trigger})` : 'never',
    last?.durationMs == null ? null : formatDuration(last.durationMs),
    last?.result ?? null,
    j.nextRun ? j.nextRun.slice(0, 19).replace('T', ' ') : null,
  ];
}
