import type { Command } from 'commander';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerStatus(program: Command, bind: ActionBinder): void {
  bind(program.command('status').description('counts of events, sources and citations, and sources by state'), () => ({
    run: async ({ database, output }) => {
      const { db, kind, location } = await database();
      const { timelineCounts } = await import('../../ingest/queries.js');
      const counts = await timelineCounts(db);
      if (output.json) return output.printJson({ database: { kind, location }, ...counts });
      output.out(`database: ${kind} (${location})`);
      output.out(
        formatTable(
          ['what', 'count'],
          [
            ['events', counts.events],
            ['events removed', counts.removed],
            ['citations', counts.citations],
            ['sources', counts.sources],
            ...Object.entries(counts.sourcesByState).map(([state, n]) => [`  ${state}`, n]),
          ],
        ),
      );
    },
  }));
}
