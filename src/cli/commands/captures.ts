import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { archiveTimestamp, closestCapture, parseArchiveTime } from '../../archive/captureTimes.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

type CapturesOptions = { from?: string; to?: string; at?: string };

export function registerCaptures(program: Command, bind: ActionBinder): void {
  const command = program
    .command('captures')
    .argument('<url>', 'a cited URL, as the timeline spells it or normalized, or where a crawl ended up')
    .description(
      'every capture of a source, newest first: time, outcome, HTTP status, final URL, content hash, whether the content changed',
    )
    .option('--from <time>', 'only captures at or after this time')
    .option('--to <time>', 'only captures at or before this time')
    .option('--at <time>', 'only the capture closest to this time (a tie goes to the earlier one: what the source said then)')
    .addHelpText(
      'after',
      '\nTimes: ISO 8601 (2025-03-01, 2025-03-01T12:00Z; UTC unless a zone is given) or a 14-digit timestamp\n(20250301120000, UTC; a shorter prefix such as 202503 means the start of that period).',
    );
  bind<CapturesOptions>(command, (options, [url]) => ({
    run: async ({ database, output }) => {
      const time = (flag: string, raw?: string) => {
        if (raw === undefined) return undefined;
        const parsed = parseArchiveTime(raw);
        if (!parsed) throw new UsageError(`${flag} must be a time such as 2025-03-01, 2025-03-01T12:00Z or 20250301120000, got "${raw}"`);
        return parsed;
      };
      const [from, to, at] = [time('--from', options.from), time('--to', options.to), time('--at', options.at)];
      const [{ findSourceByUrl }, { listCaptures }] = await Promise.all([
        import('../../ingest/queries.js'),
        import('../../archive/queries.js'),
      ]);
      const { db } = await database();
      const source = await findSourceByUrl(db, url);
      const all = await listCaptures(db, source.id, { from, to });
      const shown = at ? [closestCapture(all, at)].filter((c) => c !== null) : all;
      if (output.json) return output.printJson({ source: { id: source.id, url: source.url, state: source.state }, captures: shown });
      output.out(`${source.url}  (${source.state}${source.stateReason ? `: ${source.stateReason}` : ''})`);
      if (shown.length === 0) return output.out(all.length === 0 ? 'no captures yet' : 'no capture in that time range');
      output.out(
        formatTable(
          ['id', 'time (UTC)', 'outcome', 'http', 'content', 'final URL'],
          shown.map((c) => [
            c.id,
            archiveTimestamp(c.at),
            c.errorKind ? `${c.outcome} (${c.errorKind})` : c.outcome,
            c.httpStatus,
            c.contentChanged === null
              ? c.bodyHash
                ? c.bodyHash.slice(0, 12)
                : ''
              : `${c.bodyHash?.slice(0, 12) ?? ''} ${c.contentChanged ? 'changed' : 'same'}`,
            c.finalUrl && c.finalUrl !== source.url ? c.finalUrl : '',
          ]),
        ),
      );
      output.out(`${shown.length} capture(s); \`citewatch show <id>\` prints one`);
    },
  }));
}
