import type { Command } from 'commander';
import type { DueEntry } from '../../crawl/dueSources.js';
import { formatTable } from '../output.js';
import { clip, optionalInteger } from './events.js';
import type { ActionBinder } from './index.js';

export function registerSources(program: Command, bind: ActionBinder): void {
  const command = program
    .command('sources')
    .description('list the cited sources with their state, most important first')
    .option('--state <state>', 'only sources in this state (pending, ok, changed, vanished, unreachable, blocked)')
    .option('--host <host>', 'only sources on this host')
    .option('--due', 'what the crawl checks when, and why: overdue first, then by next check (docs/revisits.md)')
    .option('--limit <n>', 'at most this many sources');
  bind<{ state?: string; host?: string; due?: boolean; limit?: string }>(command, (options) => ({
    run: async ({ database, output, config }) => {
      const limit = optionalInteger(options.limit, '--limit');
      const { db } = await database({ lean: true });
      if (options.due) {
        const { listDueSources } = await import('../../crawl/dueSources.js');
        const now = new Date();
        const rows = await listDueSources(db, config, { now, limit, host: options.host, state: options.state });
        if (output.json) return output.printJson(rows);
        output.out(
          formatTable(
            ['due', 'next check', 'why', 'state', 'pri', 'url'],
            rows.map((r) => [dueText(r, now), r.nextCheckAt?.slice(0, 16) ?? '', r.why, r.state, r.priority, clip(r.url, 90)]),
          ),
        );
        return output.out(`${rows.length} source(s), ${rows.filter((r) => r.overdueMs > 0 || !r.nextCheckAt).length} due now`);
      }
      const { listSources } = await import('../../ingest/queries.js');
      const rows = await listSources(db, { state: options.state, host: options.host, limit });
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

/** "overdue 2 h", "in 3 d 4 h", "now" for a source never checked. */
function dueText(r: DueEntry, now: Date): string {
  if (!r.nextCheckAt) return 'now';
  if (r.overdueMs > 0) return `overdue ${span(r.overdueMs)}`;
  return `in ${span(Date.parse(r.nextCheckAt) - now.getTime())}`;
}

function span(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
