import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citations, events, ingestRuns } from '../../src/db/schema/index.js';
import { ingestPaths, type IngestReport } from '../../src/ingest/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

const md = (frontMatter: string, body = '') => `---\n${frontMatter}\n---\n${body}`;
const valid = (id: string) => md(`id: ${id}\ntitle: Valid ${id}\nsources:\n- url: https://ok.example/${id}`, 'Body.');
const letter = (i: number) => String.fromCharCode(97 + i);
const aliasBomb = [
  'a: &a [lol, lol]',
  ...Array.from({ length: 20 }, (_, i) => `${letter(i + 1)}: &${letter(i + 1)} [*${letter(i)}, *${letter(i)}]`),
].join('\n');

/** Hostile timeline files, each with the rejection it must end as (file-level) or the event it must store. */
function writeTimeline(dir: string): void {
  const put = (name: string | Buffer, text: string) =>
    writeFileSync(Buffer.isBuffer(name) ? Buffer.concat([Buffer.from(dir + '/'), name]) : path.join(dir, name), text);
  put('valid-1.md', valid('valid-1'));
  put('valid-2.json', JSON.stringify({ id: 'valid-2', title: 'Valid valid-2', sources: ['https://ok.example/2'] }));
  // Odd but valid names: stored like any other.
  put('with space.md', valid('odd-space'));
  put('new\nline.md', valid('odd-newline'));
  put('esc\u001b]0;x\u0007.md', valid('odd-escape'));
  put('東京 ünï.md', valid('odd-unicode'));
  put(`${'n'.repeat(240)}.md`, valid('odd-long'));
  // A name that is not UTF-8: it cannot even be spelled back to open it.
  put(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x6d, 0x64]), valid('odd-bytes'));
  put('bomb.yaml', `id: bomb\ntitle: T\n${aliasBomb}\n`);
  put('bomb.md', md(`id: bomb-md\ntitle: T\n${aliasBomb}`));
  put('huge.md', md(`id: huge\ntitle: T\npadding: "${'x'.repeat(10 * 1024 * 1024)}"`));
  put(
    'many.json',
    JSON.stringify({ id: 'many', title: 'Many sources', sources: Array.from({ length: 100_000 }, (_, i) => `https://many.example/${i}`) }),
  );
  put(
    'proto.md',
    md(
      'id: proto\ntitle: Proto\n__proto__: {polluted: yes}\nconstructor: c\nsources:\n- url: https://ok.example/proto\n  __proto__: {polluted: yes}\n  constructor: x',
    ),
  );
  put('proto.json', '{"__proto__": {"id": "proto-json", "title": "T"}, "constructor": {"id": "x"}}');
  // NUL in front matter (raw and escaped) and in JSON: stored, with U+FFFD in its place.
  put(
    'nul.md',
    md('id: nul-md\ntitle: "Before\\0After"\ntags: [a\u0000b]\nsources:\n- url: https://ok.example/nul\n  note: "x\\0y"', 'Body\u0000.'),
  );
  put(
    'nul.json',
    JSON.stringify({
      id: 'nul\u0000json',
      title: 'T\u0000',
      sources: [{ url: 'https://ok.example/nul-json', 'k\u0000': 'v\u0000', lone: '\ud800' }],
    }),
  );
  symlinkSync('loop-b.md', path.join(dir, 'loop-a.md'));
  symlinkSync('loop-a.md', path.join(dir, 'loop-b.md'));
  symlinkSync('nowhere.md', path.join(dir, 'dangling.md'));
  mkdirSync(path.join(dir, 'sub'));
  symlinkSync('..', path.join(dir, 'sub', 'up'));
  // A FIFO in a directory is not a file and is passed over; named as a path, reading it would block.
  execFileSync('mkfifo', [path.join(dir, 'fifo.md')]);
}

describe(`ingesting hostile timeline files beside valid ones (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let dir: string;
  let report: IngestReport;
  const rejected = (name: string) => report.rejections.filter((r) => path.basename(r.file) === name);

  beforeAll(async () => {
    database = await openTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), 'citewatch-hostile-'));
    writeTimeline(dir);
    // 4 MiB: the 10 MB file meets the size cap, the 100,000 sources (2.6 MB) meet the per-event cap.
    report = await ingestPaths(database.db, [dir, path.join(dir, 'fifo.md')], { maxFileBytes: 4 * 1024 * 1024 });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['bomb.yaml', 'parse-error', /Excessive alias count/],
    ['bomb.md', 'parse-error', /Excessive alias count/],
    ['huge.md', 'unreadable-file', /10485\d+ bytes, over the limit of 4194304 \(maxInputFileBytes\)/],
    ['many.json', 'invalid-field', /lists 100000 sources; only the first 1000 are read/],
    ['proto.json', 'missing-id', /has no id/],
    ['loop-a.md', 'unreadable-file', /ELOOP/],
    ['loop-b.md', 'unreadable-file', /ELOOP/],
    ['dangling.md', 'unreadable-file', /ENOENT/],
    ['fifo.md', 'unreadable-file', /not a regular file/],
    ['bad\ufffd.md', 'unreadable-file', /ENOENT/],
  ])('%s ends as a %s naming the file', (name, kind, reason) => {
    expect(rejected(name)).toMatchObject([{ kind }]);
    expect(rejected(name)[0].reason).toMatch(reason);
  });

  it('stores the valid files, the odd names and the events that kept going', async () => {
    const ids = (await database.db.select({ id: events.id }).from(events)).map((e) => e.id).sort();
    expect(ids).toEqual(
      [
        'many',
        'nul-md',
        'nul\ufffdjson',
        'odd-escape',
        'odd-long',
        'odd-newline',
        'odd-space',
        'odd-unicode',
        'proto',
        'valid-1',
        'valid-2',
      ].sort(),
    );
    const runs = await database.db.select().from(ingestRuns);
    expect(runs).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores NUL and lone surrogates as U+FFFD, in text and jsonb alike', async () => {
    const rows = await database.db.select().from(events);
    const nul = rows.find((e) => e.id === 'nul-md')!;
    expect([nul.title, nul.description, nul.tags]).toEqual(['Before\ufffdAfter', 'Body\ufffd.', ['a\ufffdb']]);
    const extras = (await database.db.select({ extra: citations.extra }).from(citations)).map((c) => c.extra);
    expect(extras).toContainEqual({ note: 'x\ufffdy' });
    expect(extras).toContainEqual({ 'k\ufffd': 'v\ufffd', lone: '\ufffd' });
    expect(extras).toContainEqual(JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "x"}'));
  });

  it('finds everything unchanged on a second run: a stored id with U+FFFD matches its file', async () => {
    const again = await ingestPaths(database.db, [dir], { maxFileBytes: 4 * 1024 * 1024 });
    expect(again.events).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: 11 });
  }, 60_000);
});
