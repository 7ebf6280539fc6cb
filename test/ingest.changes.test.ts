import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/open.js';
import { ingestPaths } from '../src/ingest/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { CORPUS } from './helpers/paths.js';

const REAL = [
  '1971-10-22--nixon-nominates-powell-supreme-court-memo-author.md',
  '1971-10-21--powell-supreme-court-nomination.md',
  '2003-10-01--christopher-poole-founds-4chan.json',
];
const idOf = (file: string) => file.replace(/\.(md|json)$/, '');

/** A small event file written by the test: id, title, importance and the URLs it cites. */
function eventFile(id: string, { title = `Event ${id}`, importance = 5, urls = [] as string[] } = {}): string {
  const sources = urls.map((u, i) => `- title: Source ${i + 1}\n  url: '${u}'`).join('\n');
  return `---\nid: ${id}\ntitle: ${title}\nimportance: ${importance}\nsources:${sources ? '\n' + sources : ' []'}\n---\nAbout ${id}.\n`;
}

describe(`ingest changes (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let dir: string;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query);
  const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
  const ingest = (...paths: string[]) => ingestPaths(database.db, paths.length ? paths : [dir]);

  beforeEach(async () => {
    database = await openTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), 'citewatch-ingest-'));
    for (const f of REAL) copyFileSync(path.join(CORPUS, f), path.join(dir, f));
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('updates an edited file and leaves the others alone', async () => {
    expect((await ingest()).events).toMatchObject({ added: 3, updated: 0 });
    const file = path.join(dir, REAL[0]);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/^importance: 10$/m, 'importance: 4')
        .replace('Nixon Nominates', 'Nixon Names'),
    );
    const report = await ingest();
    expect(report.events).toMatchObject({ added: 0, updated: 1, unchanged: 2, removed: 0 });
    expect(report.changed).toBe(true);
    const [e] = await rows<{ title: string; importance: number; later: boolean }>(
      sql`select title, importance, updated_at > first_seen_at as later from events where id = ${idOf(REAL[0])}`,
    );
    expect(e).toMatchObject({ importance: 4, later: true });
    expect(e.title).toMatch(/^Nixon Names Lewis Powell/);
  });

  it('marks an event removed when its file is gone from the directory, and brings it back', async () => {
    await ingest();
    const file = path.join(dir, REAL[2]);
    const text = readFileSync(file, 'utf8');
    unlinkSync(file);
    const report = await ingest();
    expect(report.events).toMatchObject({ removed: 1, unchanged: 2 });
    const [gone] = await rows<{ removed: boolean; attached: number; sources: number }>(sql`select removed_at is not null as removed,
      (select count(*)::int from citations where event_id = ${idOf(REAL[2])} and detached_at is null) as attached,
      (select count(*)::int from sources s join citations c on c.source_id = s.id where c.event_id = ${idOf(REAL[2])}) as sources
      from events where id = ${idOf(REAL[2])}`);
    expect(gone).toEqual({ removed: true, attached: 0, sources: 2 });
    const priorities = await rows<{ priority: number }>(
      sql`select s.priority from sources s join citations c on c.source_id = s.id where c.event_id = ${idOf(REAL[2])}`,
    );
    expect(priorities.map((p) => p.priority)).toEqual([0, 0]);
    expect((await ingest()).events.removed).toBe(0);

    writeFileSync(file, text);
    const back = await ingest();
    expect(back.events).toMatchObject({ updated: 1, restored: 1 });
    expect(back.citations.reattached).toBe(2);
    const [restored] = await rows<{ removed: boolean }>(
      sql`select removed_at is not null as removed from events where id = ${idOf(REAL[2])}`,
    );
    expect(restored.removed).toBe(false);
  });

  it('removes nothing when single files are ingested', async () => {
    await ingest();
    unlinkSync(path.join(dir, REAL[1]));
    const report = await ingest(path.join(dir, REAL[0]));
    expect(report.events).toMatchObject({ distinct: 1, unchanged: 1, removed: 0 });
    const [{ n }] = await rows<{ n: number }>(sql`select count(*)::int as n from events where removed_at is null`);
    expect(n).toBe(3);
  });

  it('detaches a citation removed from an event and re-attaches it when it comes back', async () => {
    const [a, b] = ['https://a.example/1', 'https://b.example/2'];
    write('e.md', eventFile('e', { urls: [a, b] }));
    await ingest();
    write('e.md', eventFile('e', { urls: [a] }));
    const dropped = await ingest();
    expect(dropped.citations).toMatchObject({ detached: 1, attached: 0 });
    const state = () =>
      rows<{ url: string; detached: boolean }>(sql`select s.url, c.detached_at is not null as detached
      from citations c join sources s on s.id = c.source_id where c.event_id = 'e' order by s.url`);
    expect(await state()).toEqual([
      { url: a, detached: false },
      { url: b, detached: true },
    ]);
    write('e.md', eventFile('e', { urls: [a, b] }));
    expect((await ingest()).citations).toMatchObject({ reattached: 1, detached: 0 });
    expect(await state()).toEqual([
      { url: a, detached: false },
      { url: b, detached: false },
    ]);
  });

  it('makes one source of two spellings of one page, keeping both spellings', async () => {
    const before = (await ingest()).sources.distinct;
    write('x.md', eventFile('x', { importance: 3, urls: ['HTTPS://Page.example:443/p?utm_source=feed#top'] }));
    write('y.md', eventFile('y', { importance: 8, urls: ['https://page.example/p'] }));
    const report = await ingest();
    expect(report.sources).toMatchObject({ distinct: before + 1, added: 1 });
    const [source] = await rows<{ id: number; priority: number }>(
      sql`select id, priority from sources where url = 'https://page.example/p'`,
    );
    expect(source.priority).toBe(8);
    const spellings = await rows<{ url: string }>(
      sql`select url from source_urls where source_id = ${source.id} and kind = 'cited' order by url`,
    );
    expect(spellings.map((s) => s.url)).toEqual(['HTTPS://Page.example:443/p?utm_source=feed#top', 'https://page.example/p']);
    const originals = await rows<{ original_url: string }>(
      sql`select original_url from citations where source_id = ${source.id} order by event_id`,
    );
    expect(originals.map((o) => o.original_url)).toEqual(['HTTPS://Page.example:443/p?utm_source=feed#top', 'https://page.example/p']);
  });

  it('keeps one copy of an event given twice and reports a conflict naming both files', async () => {
    write('dup.md', eventFile('dup', { title: 'Markdown title' }));
    write('dup.json', JSON.stringify({ id: 'dup', title: 'JSON title', importance: 5, sources: [] }));
    write('same.md', eventFile('same'));
    write('same.json', JSON.stringify({ id: 'same', title: 'Event same', importance: 5, summary: 'About same.', sources: [] }));
    const report = await ingest();
    expect(report.events).toMatchObject({ inTwoFiles: 2, conflicts: 1 });
    const conflicts = report.rejections.filter((r) => r.kind === 'duplicate-conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].file).toBe(path.join(dir, 'dup.json'));
    expect(conflicts[0].reason).toContain(path.join(dir, 'dup.md'));
    const [stored] = await rows<{ title: string; source_path: string }>(sql`select title, source_path from events where id = 'dup'`);
    expect(stored).toEqual({ title: 'Markdown title', source_path: path.join(dir, 'dup.md') });
    expect((await ingest()).changed).toBe(false);
  });

  it('reports every kind of bad input and ingests everything else', async () => {
    await ingest();
    const file = path.join(dir, REAL[0]);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: /m, 'title: [broken\n'));
    write('noid.json', JSON.stringify({ title: 'No id here', sources: [] }));
    write('notitle.md', '---\nid: notitle\n---\n');
    write('scalar.md', '---\njust words\n---\n');
    writeFileSync(path.join(dir, 'bytes.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]));
    write(
      'urls.md',
      eventFile('urls', {
        urls: ['', 'Bloomberg', 'www.example.com/x', 'ftp://example.com/f', 'https://exa mple.com/', 'https://fine.example/'],
      }),
    );
    write('ignored.txt', 'not a timeline file');
    const report = await ingest();
    const kinds = report.rejections.map((r) => `${path.basename(r.file)} ${r.kind}`).sort();
    expect(kinds).toEqual([
      `${REAL[0]} parse-error`,
      'bytes.md unreadable-file',
      'noid.json missing-id',
      'notitle.md missing-field',
      'scalar.md parse-error',
      'urls.md invalid-url',
      'urls.md missing-url',
      'urls.md no-scheme',
      'urls.md not-a-url',
      'urls.md unsupported-scheme',
    ]);
    expect(report.files).toEqual({ read: 8, rejected: 3 }); // ignored.txt is not a timeline file
    // The unparsable file's event is kept (not taken as removed); the good files are ingested.
    expect(report.events).toMatchObject({ added: 1, removed: 0, unchanged: 2 });
    const [{ n }] = await rows<{ n: number }>(sql`select count(*)::int as n from citations where event_id = 'urls'`);
    expect(n).toBe(1);
    const [run] = await rows<{ rejections: unknown[] }>(sql`select rejections from ingest_runs order by id desc limit 1`);
    expect(run.rejections).toHaveLength(10);
  });
});
