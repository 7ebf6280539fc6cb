import type { Command } from 'commander';
import type { ChannelHealth } from '../../alerts/queries.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerStatus(program: Command, bind: ActionBinder): void {
  bind(program.command('status').description('counts of events, sources and citations, and sources by state'), () => ({
    run: async ({ database, output }) => {
      const { db, kind, location } = await database({ lean: true });
      const { timelineCounts } = await import('../../ingest/queries.js');
      const counts = await timelineCounts(db);
      const { channelHealth } = await import('../../alerts/queries.js');
      const channels = await channelHealth(db);
      if (output.json) return output.printJson({ database: { kind, location }, ...counts, channels });
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
      for (const c of channels) output.out(channelLine(c));
    },
  }));
}

/** One line per alert channel; one whose latest attempts keep failing says so, with the error. */
function channelLine(c: ChannelHealth): string {
  const oldest = c.oldestPendingAt ? ` (oldest ${c.oldestPendingAt.toISOString()})` : '';
  const failing = c.lastError ? `; FAILING, ${c.failuresSinceSuccess} attempt(s) since the last success: ${c.lastError}` : '';
  return `alerts to ${c.channel}: ${c.pending} pending${oldest}, ${c.held} held for a digest, ${c.delivered} delivered${failing}`;
}
