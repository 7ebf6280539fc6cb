import { Option, type Command } from 'commander';
import type { ActionBinder } from './index.js';

type WatchOptions = { schedule?: string; logFormat?: 'text' | 'json'; serve?: boolean; port?: string };

export function registerWatch(program: Command, bind: ActionBinder): void {
  const command = program
    .command('watch')
    .description(
      'the service: run every job (crawl, ingest, notify, digest, retention) on its schedule until Ctrl-C or SIGTERM; other commands keep working meanwhile',
    )
    .option('--schedule <cron>', "the crawl job's schedule (default: config jobSchedules.crawl, else crawlSchedule: every 15 minutes)")
    .addOption(
      new Option(
        '--log-format <format>',
        'readable lines or one JSON object per line (default config logFormat; json with --json)',
      ).choices(['text', 'json']),
    )
    .option('--serve', 'also run the web app (`citewatch serve`) in this process')
    .option('--port <n>', 'with --serve: the port to listen on (config serverPort; 0 picks a free one)');
  bind<WatchOptions>(command, (options) => ({
    flags: { logFormat: options.logFormat, serverPort: options.port === undefined ? undefined : Number(options.port) },
    run: async ({ database, output, signal, config, origins }) => {
      const [{ JOBS }, { resolveSchedules }, { createLogger }, { runService }] = await Promise.all([
        import('../../../jobs/index.js'),
        import('../../watch/schedules.js'),
        import('../../watch/logger.js'),
        import('../../watch/service.js'),
      ]);
      const schedules = resolveSchedules(JOBS, config, { crawl: options.schedule });
      // --json asks for machine output: JSON log lines, unless a log format was chosen explicitly.
      const format = output.json && origins.logFormat === 'default' ? 'json' : config.logFormat;
      const log = createLogger(format, (line) => process.stdout.write(`${line}\n`));
      // Lent to other commands; with databaseThread, on a thread of its own that stores and settles the crawl's batches.
      const opened = await database({ lend: true, thread: config.databaseThread });
      const app = options.serve ? await (await import('../../server/createApp.js')).createApp({ db: opened.db, config }) : null;
      try {
        if (app) {
          const address = await app.listen({ port: config.serverPort, host: config.serverHost });
          log.log({ event: 'serving', message: `the web app listens on ${address}`, detail: { address } });
        }
        await runService({ database: opened, config, jobs: JOBS, schedules, log, signal });
      } finally {
        await app?.close();
      }
      return 0;
    },
  }));
}
