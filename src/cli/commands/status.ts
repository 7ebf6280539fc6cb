import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/open.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerStatus(program: Command, bind: ActionBinder): void {
  bind(program.command('status').description('counts of events, sources and citations, and sources by state'), () => ({
    run: async ({ database, output }) => {
      const { db, kind, location } = await database();
      const [counts] = await queryRows<{ events: number; removed: number; sources: number; citations: number }>(
        db,
        sql`select
          (select count(*)::int from events where removed_at is null) as events,
          (select count(*)::int from events where removed_at is not null) as removed,
          (select count(*)::int from sources) as sources,
          (select count(*)::int from citations where detached_at is null) as citations`,
      );
      const states = await queryRows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from sources group by state order by state`);
      const byState = Object.fromEntries(states.map((s) => [s.state, s.n]));
      if (output.json) return output.printJson({ database: { kind, location }, ...counts, sourcesByState: byState });
      output.out(`database: ${kind} (${location})`);
      output.out(formatTable(['what', 'count'], [
        ['events', counts.events],
        ['events removed', counts.removed],
        ['citations', counts.citations],
        ['sources', counts.sources],
        ...states.map((s) => [`  ${s.state}`, s.n]),
      ]));
    },
  }));
}
