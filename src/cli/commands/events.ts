import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/open.js';
import { UsageError } from '../../errors.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

type EventRow = { id: string; date: string | null; importance: number | null; status: string | null; title: string; sources: number; source_path: string };

export function registerEvents(program: Command, bind: ActionBinder): void {
  const command = program
    .command('events')
    .description('list the events of the timeline (removed ones left out), oldest first')
    .option('--min-importance <n>', 'only events at least this important')
    .option('--status <status>', 'only events with this status (e.g. confirmed)')
    .option('--limit <n>', 'at most this many events');
  bind<{ minImportance?: string; status?: string; limit?: string }>(command, (options) => ({
    run: async ({ database, output }) => {
      const minImportance = optionalInteger(options.minImportance, '--min-importance');
      const limit = optionalInteger(options.limit, '--limit');
      const { db } = await database();
      const rows = await queryRows<EventRow>(
        db,
        sql`select e.id, e.date, e.importance, e.status, e.title, e.source_path,
              (select count(*)::int from citations c where c.event_id = e.id and c.detached_at is null) as sources
            from events e
            where e.removed_at is null
              ${minImportance === undefined ? sql`` : sql`and e.importance >= ${minImportance}`}
              ${options.status === undefined ? sql`` : sql`and e.status = ${options.status}`}
            order by e.date nulls last, e.id
            ${limit === undefined ? sql`` : sql`limit ${limit}`}`,
      );
      if (output.json) {
        return output.printJson(rows.map((r) => ({ id: r.id, date: r.date, importance: r.importance, status: r.status, title: r.title, sources: r.sources, file: r.source_path })));
      }
      output.out(formatTable(['date', 'imp', 'status', 'src', 'id', 'title'], rows.map((r) => [r.date, r.importance, r.status, r.sources, r.id, clip(r.title, 70)])));
      output.out(`${rows.length} event(s)`);
    },
  }));
}

/** A whole-number flag, or a usage error naming it. Shared by the list commands. */
export function optionalInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number ≥ 0, got "${value}"`);
  return n;
}

export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}
