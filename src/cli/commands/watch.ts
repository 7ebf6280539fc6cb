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
      const { scheduleCrawl } = await import('../../../jobs/crawl.js');
      const { db } = await database();
      const stamp = () => new Date().toISOString();
      const schedule = scheduleCrawl(config.crawlSchedule, {
        db,
        config,
        signal,
        onPass: (summary) => {
          if (output.json) return output.out(JSON.stringify({ at: stamp(), ...summary }));
          output.out(`${stamp()} pass done`);
          printSummary(output, summary);
        },
        onError: (err) => output.err(`${stamp()} pass failed: ${(err as Error).message}`),
      });
      output.err(`watching: a pass runs on "${config.crawlSchedule}"; Ctrl-C stops after the pass in flight`);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await schedule.stop();
      return 0;
    },
  }));
}
