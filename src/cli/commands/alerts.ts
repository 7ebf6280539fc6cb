import type { Command } from 'commander';
import type { AlertListing } from '../../alerts/queries.js';
import { CitewatchError, NotFoundError } from '../../errors.js';
import { formatTable } from '../output.js';
import { optionalInteger } from './events.js';
import type { ActionBinder } from './index.js';

export function registerAlerts(program: Command, bind: ActionBinder): void {
  const alerts = program
    .command('alerts')
    .description('recent alerts and their delivery: channel, status, attempts, last error')
    .option('--limit <n>', 'at most this many alerts (default 50)');
  bind<{ limit?: string }>(alerts, (options) => ({
    run: async ({ database, output }) => {
      const limit = optionalInteger(options.limit, '--limit') ?? 50;
      const { listAlerts } = await import('../../alerts/queries.js');
      const rows = await listAlerts((await database()).db, limit);
      if (output.json) return output.printJson(rows);
      if (rows.length === 0) return output.out('no alerts');
      output.out(formatAlertsTable(rows));
    },
  }));
  const test = alerts
    .command('test')
    .argument('<channel>', 'a channel named in the configuration')
    .description('send a test message to a channel now and print how it went (it is retried like any alert if it fails)');
  bind(test, (_options, [name]) => ({
    run: async ({ database, output, config }) => {
      if (!config.channels.some((c) => c.name === name)) {
        const known = config.channels.map((c) => c.name).join(', ') || 'none configured';
        throw new NotFoundError(`no channel named "${name}" in the configuration (channels: ${known})`);
      }
      const { db } = await database();
      const { writeTestAlert } = await import('../../alerts/writeAlerts.js');
      const { deliverNow } = await import('../../alerts/notify.js');
      const [outcome] = await deliverNow({ db, config }, [await writeTestAlert(db, name, new Date())]);
      if (output.json) {
        output.printJson(outcome);
        return outcome.result.ok ? 0 : 1;
      }
      const status = outcome.result.status !== null ? `status ${outcome.result.status}, ` : '';
      if (!outcome.result.ok)
        throw new CitewatchError(
          `test message to ${name} failed (${status}${outcome.durationMs} ms): ${outcome.result.error}; it stays pending and the notify job retries it`,
          { exitCode: 1, httpStatus: 502, retryable: true },
        );
      output.out(`test message delivered to ${name} (${status}${outcome.durationMs} ms, key ${outcome.idempotencyKey})`);
    },
  }));
}

function formatAlertsTable(rows: AlertListing[]): string {
  return formatTable(
    ['id', 'created', 'channel', 'kind', 'event', 'status', 'tries', 'last error'],
    rows.map((r) => [
      r.id,
      r.createdAt.toISOString().slice(0, 19).replace('T', ' '),
      r.channel,
      r.kind,
      r.eventId,
      r.status,
      r.attempts,
      r.lastError ? (r.lastError.length > 60 ? `${r.lastError.slice(0, 59)}…` : r.lastError) : '',
    ]),
  );
}
