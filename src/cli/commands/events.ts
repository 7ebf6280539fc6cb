import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

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
      const { listEvents } = await import('../../ingest/queries.js');
      const rows = await listEvents((await database({ lean: true })).db, { minImportance, status: options.status, limit });
      if (output.json) {
        return output.printJson(rows);
      }
      output.out(
        formatTable(
          ['date', 'imp', 'status', 'src', 'id', 'title'],
          rows.map((r) => [r.date, r.importance, r.status, r.sources, r.id, clip(r.title, 70)]),
        ),
      );
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
