import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/open.js';
import { formatTable } from '../output.js';
import { clip, optionalInteger } from './events.js';
import type { ActionBinder } from './index.js';

type SourceRow = { url: string; host: string; state: string; state_reason: string | null; checked_at: Date | string | null; priority: number; events: string[] };

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
      const { db } = await database();
      // Only citations that hold now: attached, from events not removed.
      const rows = await queryRows<SourceRow>(
        db,
        sql`select s.url, s.host, s.state, s.state_reason, s.checked_at, s.priority,
              coalesce(array_agg(c.event_id order by c.event_id) filter (where c.event_id is not null), '{}') as events
            from sources s
            left join citations c on c.source_id = s.id and c.detached_at is null
              and exists (select 1 from events e where e.id = c.event_id and e.removed_at is null)
            where true
              ${options.state === undefined ? sql`` : sql`and s.state = ${options.state}`}
              ${options.host === undefined ? sql`` : sql`and s.host = ${options.host.toLowerCase()}`}
            group by s.id
            order by s.priority desc, s.url
            ${limit === undefined ? sql`` : sql`limit ${limit}`}`,
      );
      if (output.json) {
        return output.printJson(rows.map((r) => ({ url: r.url, state: r.state, reason: r.state_reason, checkedAt: isoOrNull(r.checked_at), priority: r.priority, events: r.events })));
      }
      output.out(formatTable(['state', 'pri', 'events', 'checked', 'url'], rows.map((r) => [r.state, r.priority, r.events.length, isoOrNull(r.checked_at)?.slice(0, 16) ?? '', clip(r.url, 100)])));
      output.out(`${rows.length} source(s)`);
    },
  }));
}

/** Raw queries give a Date on postgres.js and may give a string on PGlite: one ISO form for both. */
function isoOrNull(value: Date | string | null): string | null {
  if (value === null) return null;
  return new Date(value).toISOString();
}
