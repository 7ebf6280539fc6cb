import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/open.js';
import { ingestPaths, type IngestReport } from '../src/ingest/index.js';
import { normalizeUrl } from '../src/ingest/normalizeUrl.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { CORPUS } from './helpers/paths.js';

const URL_KINDS = ['missing-url', 'not-a-url', 'no-scheme', 'unsupported-scheme', 'invalid-url'];

describe(`ingest of the whole real corpus (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let first: IngestReport;
  let second: IngestReport;
  const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(database.db, query))[0].n;

  beforeAll(async () => {
    database = await openTestDatabase();
    first = await ingestPaths(database.db, [CORPUS]);
    second = await ingestPaths(database.db, [CORPUS]);
  });
  afterAll(() => database.close());

  it('counts what the corpus README states', () => {
    expect(first.files).toEqual({ read: 2047, rejected: 0 });
    expect(first.events).toMatchObject({
      distinct: 1930,
      added: 1930,
      updated: 0,
      unchanged: 0,
      removed: 0,
      inTwoFiles: 117,
      conflicts: 0,
    });
    // 6,403 citations, 63 without a usable URL; 8 more cite a page their event already cites.
    expect(first.citations).toMatchObject({ given: 6403, unusable: 63, repeated: 8, stored: 6403 - 63 - 8, attached: 6332 });
    expect(first.sources).toEqual({ distinct: 5523, hosts: 1158, added: 5523 });
    expect(first.changed).toBe(true);
  });

  it('reports each rejection with file, line and reason', () => {
    expect(first.rejections).toHaveLength(63 + 8);
    expect(first.rejections.filter((r) => URL_KINDS.includes(r.kind))).toHaveLength(63);
    expect(first.rejections.filter((r) => r.kind === 'duplicate-citation')).toHaveLength(8);
    const names = new Set(readdirSync(CORPUS).map((f) => `${CORPUS}/${f}`));
    for (const r of first.rejections) {
      expect(names.has(r.file)).toBe(true);
      expect(r.line).toBeGreaterThan(1);
      expect(r.eventId).toBeTruthy();
      expect(r.reason.length).toBeGreaterThan(10);
    }
    expect(
      first.rejections
        .filter((r) => r.kind === 'not-a-url')
        .map((r) => r.reason)
        .join('\n'),
    ).toContain('"Bloomberg"');
  });

  it('changes nothing on a second run, and says so', () => {
    expect(second.events).toMatchObject({ distinct: 1930, added: 0, updated: 0, unchanged: 1930, removed: 0 });
    expect(second.citations).toMatchObject({ attached: 0, reattached: 0, detached: 0 });
    expect(second.sources.added).toBe(0);
    expect(second.changed).toBe(false);
    expect(second.rejections).toHaveLength(71);
  });

  it('holds the same figures in the database', async () => {
    expect(await count(sql`select count(*)::int as n from events where removed_at is null`)).toBe(1930);
    expect(await count(sql`select count(*)::int as n from citations where detached_at is null`)).toBe(6332);
    expect(await count(sql`select count(*)::int as n from sources`)).toBe(5523);
    expect(await count(sql`select count(distinct host)::int as n from sources`)).toBe(1158);
    expect(await count(sql`select count(*)::int as n from source_urls where kind = 'cited'`)).toBe(5523);
    expect(await count(sql`select count(*)::int as n from ingest_runs where finished_at is not null`)).toBe(2);
  });

  it('stores the Markdown copy of the 117 events given twice', async () => {
    const jsonTwins = readdirSync(CORPUS).filter((f) => f.endsWith('.json') && readdirSync(CORPUS).includes(f.replace(/\.json$/, '.md')));
    expect(jsonTwins).toHaveLength(117);
    const paths = await queryRows<{ source_path: string }>(database.db, sql`select source_path from events`);
    expect(paths.filter((p) => p.source_path.endsWith('.json'))).toHaveLength(134 - 117);
  });

  it('keeps every citation spelling and links it to the normalized source', async () => {
    const rows = await queryRows<{ original_url: string; url: string }>(
      database.db,
      sql`select c.original_url, s.url from citations c join sources s on s.id = c.source_id`,
    );
    for (const r of rows) expect(normalizeUrl(r.original_url)).toMatchObject({ ok: true, url: r.url });
  });

  it('gives each source the highest importance among the events citing it', async () => {
    const cites = await queryRows<{ source_id: number; importance: number | null }>(
      database.db,
      sql`select c.source_id, e.importance from citations c join events e on e.id = c.event_id`,
    );
    const expected = new Map<number, number>();
    for (const c of cites) expected.set(c.source_id, Math.max(expected.get(c.source_id) ?? 0, c.importance ?? 0));
    const sources = await queryRows<{ id: number; priority: number }>(database.db, sql`select id, priority from sources`);
    expect(sources.every((s) => s.priority === expected.get(s.id))).toBe(true);
    expect(new Set(sources.map((s) => s.priority)).size).toBeGreaterThan(3);
  });
});
