import type { Command } from 'commander';
import { printSummary } from './crawl.js';
import type { ActionBinder } from './index.js';

export function registerWatch(program: Command, bind: ActionBinder): void {
  const command = program
    .command('watch')
    .description('keep watching: run a crawl pass on a schedule (sources due only) until Ctrl-C')
    .option('--schedule <cron>', 'when to run a pass (config crawlSchedule, env CITEWATCH_CRAWL_SCHEDULE; default every 15 minutes)');
  bind<{ schedule?: string }>(command, (options) => ({
    flags: { crawlSchedule: options.schedule },
    run: async ({ database, output, signal, config }) => {
      const [{ crawlJob }, { scheduleJob }] = await Promise.all([import('../../../jobs/crawl.js'), import('../../watch/scheduler.js')]);
      const { db } = await database();
      const stamp = () => new Date().toISOString();
      const schedule = scheduleJob(
        crawlJob,
        config.crawlSchedule,
        { db, config, signal },
        {
          signal,
          onDone: (summary) => {
            if (output.json) return output.out(JSON.stringify({ at: stamp(), ...summary }));
            output.out(`${stamp()} pass done`);
            printSummary(output, summary);
          },
          onError: (err) => output.err(`${stamp()} pass failed: ${(err as Error).message}`),
          onSkip: () => output.err(`${stamp()} a pass is still running: this tick is skipped`),
        },
      );
      output.err(`watching: a pass runs on "${config.crawlSchedule}"; Ctrl-C stops after the pass in flight`);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await schedule.stop();
      return 0;
    },
  }));
}
