import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerReviews(program: Command, bind: ActionBinder): void {
  const command = program
    .command('reviews')
    .description('the audit log: every decision on a flag (web app and CLI), who, when, what, why, which captures; newest first')
    .option('--event <id>', 'only the decisions on this event')
    .option('--limit <n>', 'at most this many (default all)');
  bind<{ event?: string; limit?: string }>(command, (options) => ({
    run: async ({ database, output }) => {
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
        throw new UsageError(`--limit must be a positive whole number, got "${options.limit}"`);
      const { listReviews } = await import('../../flags/auditLog.js');
      const { db } = await database();
      const entries = await listReviews(db, { eventId: options.event, limit });
      if (output.json) return output.printJson(entries);
      if (entries.length === 0) return output.out('no decisions yet');
      output.out(
        formatTable(
          ['at', 'event', 'action', 'who', 'source', 'note'],
          entries.map((e) => [e.at.toISOString(), e.eventId, e.action, e.reviewer, e.sourceUrl ?? '', e.note ?? '']),
        ),
      );
    },
  }));
}
