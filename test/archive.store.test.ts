import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createCaptureWriter } from '../src/archive/captureWriter.js';
import { prepareSnapshot } from '../src/archive/store.js';
import { storeCaptures, type CaptureInput } from '../src/archive/storeCaptures.js';
import { hosts, snapshots, sources, sourceUrls } from '../src/db/schema/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { addSources, capturesOf, countRows } from './helpers/crawl.js';
import { articleHtml } from './helpers/sourceHistory.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe(`archiving captures in batches (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let ids: Map<string, number>;
  const url = (n: number) => `http://127.0.0.1:9/page-${n}`;
  const source = (n: number) => ({ id: ids.get(url(n))!, url: url(n), host: '127.0.0.1:9' });
  const page = (title: string) =>
    new TextEncoder().encode(articleHtml(title, [`${title} is the story of this page, told at some length so it has text.`]));

  const input = async (n: number, second: number, body: Uint8Array | null, extra: Partial<CaptureInput> = {}): Promise<CaptureInput> => ({
    capture: {
      sourceId: source(n).id,
      startedAt: at(second),
      requestedUrl: url(n),
      finalUrl: url(n),
      redirects: [],
      httpStatus: body ? 200 : null,
      fetcher: 'http',
      outcome: body ? 'fetched' : 'network-error',
      errorKind: body ? null : 'reset',
    },
    raw: body ? await prepareSnapshot(body, 'text/html', 'raw', url(n)) : null,
    source: source(n),
    update: { checkedAt: at(second), nextCheckAt: at(second + 3600), consecutiveFailures: body ? 0 : 1 },
    ...extra,
  });

  beforeAll(async () => {
    database = await openTestDatabase();
    ids = await addSources(
      database.db,
      [1, 2, 3, 4, 5, 6].map((n) => ({ url: url(n) })),
    );
  });
  afterAll(async () => database?.close());

  it('stores a batch in input order, each distinct body once', async () => {
    const shared = page('Shared wire copy');
    const batch = [await input(1, 1, shared), await input(2, 2, null), await input(3, 3, shared), await input(4, 4, page('Own story'))];
    const rows = await storeCaptures(database.db, batch);
    expect(rows.map((r) => r.sourceId)).toEqual([1, 2, 3, 4].map((n) => source(n).id));
    expect(rows.map((r) => r.outcome)).toEqual(['fetched', 'network-error', 'fetched', 'fetched']);
    expect(rows[0].snapshotId).toBe(rows[2].snapshotId);
    expect(rows[1].snapshotId).toBeNull();
    expect(await countRows(database.db, 'snapshots')).toBe(2);
    const [stored] = await database.db.select().from(snapshots).where(eq(snapshots.id, rows[3].snapshotId!));
    expect(gunzipSync(stored.body).toString()).toContain('Own story');
    expect(stored.text).toContain('Own story is the story of this page');
  });

  it('leaves a source twice in one batch as its later attempt left it, validators as last set', async () => {
    const first = await input(5, 10, page('Five'), {});
    first.update = { ...first.update, etag: '"v1"', lastModified: 'Thu, 01 Jan 2026 00:00:00 GMT' };
    const retry = await input(5, 11, null);
    retry.update = { checkedAt: at(11), nextCheckAt: at(99), consecutiveFailures: 2 };
    retry.hostTouched = { host: 'slow.example', at: at(11), notBefore: at(50) };
    first.hostTouched = { host: 'slow.example', at: at(10), renderMode: 'browser' };
    await storeCaptures(database.db, [first, retry]);
    const [row] = await database.db
      .select()
      .from(sources)
      .where(eq(sources.id, source(5).id));
    expect([row.checkedAt, row.nextCheckAt, row.consecutiveFailures, row.etag, row.lastModified]).toEqual([
      at(11),
      at(99),
      2,
      '"v1"',
      'Thu, 01 Jan 2026 00:00:00 GMT',
    ]);
    const [host] = await database.db.select().from(hosts).where(eq(hosts.host, 'slow.example'));
    expect([host.lastRequestAt, host.notBefore, host.renderMode]).toEqual([at(11), at(50), 'browser']);
  });

  it('records where a source was finally found, once however often it was seen there', async () => {
    const moved = 'http://127.0.0.1:9/moved-here';
    const a = await input(6, 20, page('Moved'));
    const b = await input(6, 21, page('Moved'));
    a.capture.finalUrl = b.capture.finalUrl = moved;
    await storeCaptures(database.db, [a, b]);
    const urls = await database.db
      .select()
      .from(sourceUrls)
      .where(eq(sourceUrls.sourceId, source(6).id));
    expect(urls.filter((u) => u.kind === 'final').map((u) => u.url)).toEqual([moved]);
  });

  it('writes behind: attempts arriving together share a batch, and close writes the rest', async () => {
    const writer = createCaptureWriter((inputs) => storeCaptures(database.db, inputs), { maxBatch: 3, maxWaitMs: 60_000 });
    const before = await countRows(database.db, 'captures');
    const full = Promise.all([1, 2, 3].map(async (n) => writer.write(await input(n, 30 + n, page(`Batch ${n}`)))));
    const rows = await full; // a full batch does not wait for the timer
    expect(rows.map((r) => r.sourceId)).toEqual([1, 2, 3].map((n) => source(n).id));
    const late = writer.write(await input(4, 40, null));
    await writer.close();
    expect((await late).outcome).toBe('network-error');
    expect(await countRows(database.db, 'captures')).toBe(before + 4);
  });

  it('lets the crawl run ahead of the database by maxPending attempts, no more', async () => {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const store = async (inputs: CaptureInput[]) => {
      await held;
      return storeCaptures(database.db, inputs);
    };
    const writer = createCaptureWriter(store, { maxBatch: 2, maxWaitMs: 60_000, maxPending: 2 });
    const first = writer.write(await input(1, 60, null));
    await writer.room(); // one attempt pending: room for another
    const second = writer.write(await input(2, 61, null)); // a full batch, held at its commit
    const room = writer.room();
    expect(await Promise.race([room.then(() => 'room'), Promise.resolve('waiting')])).toBe('waiting');
    commit();
    await room;
    expect((await Promise.all([first, second])).map((r) => r.sourceId)).toEqual([source(1).id, source(2).id]);
    await writer.close();
  });

  it('writes one batch at a time: what arrives while one is written goes whole in the next (group commit)', async () => {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const sizes: number[] = [];
    let underWay!: () => void;
    const firstUnderWay = new Promise<void>((resolve) => (underWay = resolve));
    const store = async (inputs: CaptureInput[]) => {
      sizes.push(inputs.length);
      underWay();
      if (sizes.length === 1) await held;
      return storeCaptures(database.db, inputs);
    };
    const writer = createCaptureWriter(store, { maxBatch: 10, maxWaitMs: 0, maxPending: 100 });
    const first = writer.write(await input(1, 70, null));
    await firstUnderWay; // held at its commit
    const meanwhile = await Promise.all([2, 3, 4].map((n) => input(n, 70 + n, null)));
    const later: Promise<unknown>[] = [];
    for (const i of meanwhile) {
      later.push(writer.write(i));
      await new Promise((resolve) => setTimeout(resolve, 5)); // each due on its own, but the first batch is still being written
    }
    expect(sizes).toEqual([1]);
    commit();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 3]);
    await writer.close();
  });

  it('fails only the attempt that cannot be stored when its batch fails', async () => {
    const writer = createCaptureWriter((inputs) => storeCaptures(database.db, inputs), { maxBatch: 10, maxWaitMs: 5 });
    const good = writer.write(await input(1, 50, null));
    const bad = await input(2, 51, null);
    bad.capture = { ...bad.capture, sourceId: 987_654 }; // no such source: the foreign key refuses it
    const refused = writer.write(bad);
    await expect(refused).rejects.toThrow();
    const kept = await good;
    expect((await capturesOf(database.db, source(1).id)).map((c) => c.id)).toContain(kept.id);
    await writer.close();
  });
});
