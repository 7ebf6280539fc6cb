import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createOutput, formatTable, printable } from '../../src/cli/output.js';
import { defaultConfig } from '../../src/config/loadConfig.js';
import { renderWordDiff } from '../../src/cli/renderDiff.js';
import { wordDiff } from '../../src/diff/words.js';
import { settleSource } from '../../src/watch/settleSource.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { openCliDatabase, testDatabaseKind } from '../helpers/db.js';
import { addCapture, articleHtml, seedEvent, seedSource } from '../helpers/sourceHistory.js';

/** Any C0 control but newline and tab, DEL, or any C1 control: what must never reach a terminal. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** OSC 0 retitles the terminal; CSI 2J clears it; CR and BS overwrite; U+009B is the one-byte CSI. */
const HOSTILE = 'Deal\u001b]0;pwned\u0007 signed\u001b[2J\r\b\u009b31m\u007f';

describe('printable: controls from pages and files shown as visible escapes', () => {
  it.each([
    ['plain text', 'Deal signed', 'Deal signed'],
    ['OSC title sequence', 'a\u001b]0;x\u0007b', 'a\\x1b]0;x\\x07b'],
    ['CSI, CR, BS, DEL, C1 CSI', '\u001b[2J\r\b\u007f\u009b', '\\x1b[2J\\x0d\\x08\\x7f\\x9b'],
    ['newline and tab kept', 'one\ttwo\nthree', 'one\ttwo\nthree'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['non-ASCII letters kept', 'Café ☃ 東京', 'Café ☃ 東京'],
  ])('%s', (_, given, shown) => {
    expect(printable(given)).toBe(shown);
  });

  it('keeps each table cell on one line (newline and tab escaped) and aligned', () => {
    const table = formatTable(
      ['id', 'title'],
      [
        ['e1', 'two\nlines\tand\u001b]0;x\u0007'],
        ['e2', 'ok'],
      ],
    );
    expect(table).not.toMatch(CONTROL);
    expect(table.split('\n')).toEqual(['id  title', 'e1  two\\x0alines\\x09and\\x1b]0;x\\x07', 'e2  ok']);
  });

  it('caps an error message that embeds a database error and its gzip parameters', () => {
    const stderr = new PassThrough();
    const output = createOutput(false, {
      stdout: new PassThrough() as unknown as typeof process.stdout,
      stderr: stderr as unknown as typeof process.stderr,
    });
    output.err(
      `citewatch: unexpected error: Failed query: insert into "snapshots"\nparams: ${'\u001f\u008b\u0008\u0000gzip'.repeat(1_000_000)}`,
    );
    const written = String(stderr.read());
    expect(written.length).toBeLessThan(20_000);
    expect(written).toMatch(/more characters cut\)\n$/);
    expect(written).not.toMatch(CONTROL);
  });

  it('escapes the page text in a coloured word diff but keeps its own styles', () => {
    const coloured = renderWordDiff(wordDiff('Deal signed', HOSTILE), { color: true });
    expect(coloured).toContain('\u001b[32m');
    expect(coloured.replaceAll(/\u001b\[(?:0|1|2|9|31|32)m/g, '')).not.toMatch(CONTROL);
  });
});

describe(`citewatch diff / flags / events print no control bytes from pages (${testDatabaseKind})`, () => {
  const URL_ = 'https://news.example.com/2026/deal';
  let home: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-terminal-'));
    env = cliEnv(home, undefined);
    const { database } = await openCliDatabase(home, env);
    const { db } = database;
    await seedEvent(db, { id: 'deal', title: `Event ${HOSTILE}`, importance: 9 });
    const source = await seedSource(db, URL_, ['deal']);
    const paragraphs = [
      'The ministry signed the harbour deal on Tuesday after two years of negotiations with the port operator and its lenders.',
      'The contract runs for thirty years and the operator pays 40 million a year, rising with inflation from the fifth year.',
      'Opposition members said the terms had not been shown to parliament and asked for the full text to be published.',
    ];
    const before = articleHtml('Harbour deal signed', paragraphs);
    const after = articleHtml(`Harbour ${HOSTILE}`, [
      paragraphs[0],
      paragraphs[1].replace('40 million', `4 ${HOSTILE} million`),
      paragraphs[2],
    ]);
    for (const [n, html] of [
      [0, before],
      [1, after],
    ] as const) {
      await addCapture(db, source, { at: new Date(Date.UTC(2026, 3, 1 + n)), html });
      await settleSource(db, defaultConfig({}), source.id);
    }
    // The embedded database is locked by its opener: the CLI can only open it once this closes.
    if (testDatabaseKind === 'pglite') await database.close();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('diff shows the hostile title and text escaped', { timeout: 60_000 }, async () => {
    const json = JSON.parse((await cli('diff', URL_, '--json')).stdout);
    expect(json.after.title).toContain('\u001b]0;pwned\u0007'); // the archive keeps what the page said
    const run = await cli('diff', URL_);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(run.stdout + run.stderr).not.toMatch(CONTROL);
  });

  it.each([['flags'], ['events']])('%s prints its table without control bytes', { timeout: 60_000 }, async (command) => {
    const run = await cli(command);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Event Deal\\x1b]0;pwned');
    expect(run.stdout + run.stderr).not.toMatch(CONTROL);
  });
});
