import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { parseArchiveTime } from '../../archive/captureTimes.js';
import { EXIT_INTERRUPTED, UsageError } from '../../errors.js';
import { packageVersion } from '../../packageRoot.js';
import type { ActionBinder } from './index.js';

type WarcOptions = { source?: string; since?: string; until?: string; output: string };

export function registerExport(program: Command, bind: ActionBinder): void {
  const exportCommand = program.command('export').description('write the archive out in a standard format for other tools');
  const warc = exportCommand
    .command('warc')
    .description(
      'every capture as WARC 1.1 (gzip per record): request and response for each body fetched, a revisit where the body was unchanged, metadata with citewatch facts (outcome, state)',
    )
    .option('--source <url>', 'only this source (as the timeline spells it, normalized, or where a crawl ended up)')
    .option('--since <time>', 'only captures at or after this time')
    .option('--until <time>', 'only captures at or before this time')
    .requiredOption('-o, --output <file>', 'the file to write (e.g. archive.warc.gz), or - for stdout')
    .addHelpText(
      'after',
      '\nTimes: ISO 8601 (2025-03-01, 2025-03-01T12:00Z; UTC unless a zone is given) or a 14-digit timestamp (20250301120000).\nThe export streams: memory stays flat whatever the size of the archive.',
    );
  bind<WarcOptions>(warc, (options) => ({
    run: async ({ database, output, signal }) => {
      const time = (flag: string, raw?: string) => {
        if (raw === undefined) return undefined;
        const parsed = parseArchiveTime(raw);
        if (!parsed) throw new UsageError(`${flag} must be a time such as 2025-03-01, 2025-03-01T12:00Z or 20250301120000, got "${raw}"`);
        return parsed;
      };
      const [since, until] = [time('--since', options.since), time('--until', options.until)];
      if (since && until && since > until) throw new UsageError(`--since (${options.since}) is after --until (${options.until})`);
      const toStdout = options.output === '-';
      if (toStdout && process.stdout.isTTY) throw new UsageError('-o - writes WARC bytes to stdout: redirect it to a file or a pipe');
      const [{ findSourceByUrl }, { exportWarc }] = await Promise.all([
        import('../../ingest/queries.js'),
        import('../../archive/warc/writeWarc.js'),
      ]);
      const { db } = await database();
      const source = options.source === undefined ? undefined : await findSourceByUrl(db, options.source);
      const described = [
        source ? `source ${source.url}` : 'all sources',
        since ? `since ${since.toISOString()}` : '',
        until ? `until ${until.toISOString()}` : '',
      ].filter(Boolean);
      // A file is written beside its name and moved into place when complete: never a truncated WARC under the name asked for.
      const partial = toStdout ? null : `${options.output}.partial-${process.pid}`;
      const out: Writable = partial ? createWriteStream(partial) : process.stdout;
      if (partial)
        await once(out, 'open').catch((err: Error) => {
          throw new UsageError(`cannot write ${options.output}: ${err.message.replace(`'${partial}'`, 'it')}`);
        });
      try {
        const summary = await exportWarc(db, { sourceId: source?.id, since, until }, out, {
          filename: toStdout ? 'citewatch.warc.gz' : path.basename(options.output),
          software: `citewatch ${packageVersion()}`,
          description: `citewatch export: ${described.join(', ')}`,
          signal,
        });
        if (partial) {
          out.end();
          await finished(out);
          if (signal.aborted) {
            await rm(partial, { force: true });
            output.err('citewatch: export interrupted, no file written');
            return EXIT_INTERRUPTED;
          }
          await rename(partial, options.output);
        }
        const records = Object.entries(summary.records)
          .map(([type, n]) => `${n} ${type}`)
          .join(', ');
        const line = `${summary.captures} capture(s) as ${records} (${summary.bytes} bytes)${toStdout ? '' : ` written to ${options.output}`}`;
        if (toStdout) return output.err(line);
        if (output.json) return output.printJson({ file: options.output, ...summary });
        output.out(line);
      } catch (err) {
        if (partial) {
          out.destroy();
          await rm(partial, { force: true });
        }
        throw err;
      }
    },
  }));
}
