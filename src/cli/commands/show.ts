import { copyFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../errors.js';
import type { ActionBinder } from './index.js';

type ShowOptions = { text?: boolean; raw?: boolean; headers?: boolean; screenshot?: string };

export function registerShow(program: Command, bind: ActionBinder): void {
  const command = program
    .command('show')
    .argument('<captureId>', 'a capture id, as `citewatch captures <url>` lists them')
    .description('one capture: its extracted text (default), the exact bytes fetched, its response headers, or its screenshot')
    .option('--text', 'the readable text extracted from it (the default)')
    .option('--raw', 'the bytes exactly as fetched, to stdout (redirect it to a file)')
    .option('--headers', 'the response headers kept with it')
    .option('--screenshot <file>', 'copy the PNG taken when it was rendered (crawl --screenshots) to <file>');
  bind<ShowOptions>(command, (options, [idText]) => ({
    run: async ({ database, output, config }) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 1) throw new UsageError(`<captureId> must be a whole number, got "${idText}"`);
      if ([options.text, options.raw, options.headers, options.screenshot].filter(Boolean).length > 1)
        throw new UsageError('give one of --text, --raw, --headers, --screenshot');
      // Page bytes can hold terminal escapes: they go to a file or a pipe, never straight to a terminal.
      if (options.raw && process.stdout.isTTY)
        throw new UsageError('--raw writes the exact bytes fetched: redirect it to a file (citewatch show --raw 12 > page.html)');
      const { getCapture, rawBody } = await import('../../archive/queries.js');
      const { db } = await database({ lean: true });
      if (options.raw) return void process.stdout.write((await rawBody(db, id)).body);
      const capture = await getCapture(db, id);
      if (options.screenshot) {
        if (!capture.screenshotHash)
          throw new NotFoundError(`capture ${id} has no screenshot (crawl --screenshots keeps them for rendered pages)`);
        const { screenshotPath } = await import('../../archive/screenshots.js');
        await copyFile(screenshotPath(config.home, capture.screenshotHash), options.screenshot);
        return output.out(`screenshot of capture ${id} written to ${options.screenshot}`);
      }
      if (options.headers) {
        if (output.json) return output.printJson(capture.headers);
        return output.out(
          Object.entries(capture.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
        );
      }
      const summary = {
        id: capture.id,
        url: capture.requestedUrl,
        at: capture.startedAt,
        outcome: capture.outcome,
        httpStatus: capture.httpStatus,
        finalUrl: capture.finalUrl,
      };
      if (output.json)
        return output.printJson({ ...summary, title: capture.snapshot?.title ?? null, text: capture.snapshot?.text ?? null });
      output.out(
        `capture ${capture.id} of ${capture.requestedUrl} at ${capture.startedAt.toISOString()}: ${capture.outcome}${capture.httpStatus ? ` (HTTP ${capture.httpStatus})` : ''}`,
      );
      if (!capture.snapshot) return output.out('(no content: nothing came back)');
      output.out(`${capture.snapshot.title ?? ''}\n\n${capture.snapshot.text ?? '(no text could be extracted from it)'}`);
    },
  }));
}
