import type { Command } from 'commander';
import { formatTable } from '../output.js';
import { clip, optionalInteger } from './events.js';
import type { ActionBinder } from './index.js';

export function registerSources(program: Command, bind: ActionBinder): void {
  const command = program
    .command('sources')
    .description('list the cited sources with their state, most important first')
    .option('--state <state>', 'only sources in this state (pending, ok, changed, vanished, unreachable, blocked)')
    .option('--host <host>', 'only sources on this host')
    .option('--limit <n>', 'at most this many sources');
  bind<{ state?: string; host?: string; limit?: string }>(command, (options) => ({
    run: async ({ database, output }) => {
      const limit = optionalInteger(options.limit, '--limit');
      const { listSources } = await import('../../ingest/queries.js');
      const rows = await listSources((await database()).db, { state: options.state, host: options.host, limit });
      if (output.json) {
        return output.printJson(rows);
      }
      output.out(
        formatTable(
          ['state', 'pri', 'events', 'checked', 'url'],
          rows.map((r) => [r.state, r.priority, r.events.length, r.checkedAt?.slice(0, 16) ?? '', clip(r.url, 100)]),
        ),
      );
      output.out(`${rows.length} source(s)`);
    },
  }));
}
