import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changes, snapshots } from '../src/db/schema/index.js';
import { DIFF_VERSION } from '../src/diff/classifyChange.js';
import { recomputeChanges, recordChange } from '../src/diff/store.js';
import { EXTRACTOR_VERSION } from '../src/extract/index.js';
import { ARTICLES } from './fixtures/pages/articles.js';
import { EDITS } from './fixtures/pages/edits.js';
import { SKINS, type Variant } from './fixtures/pages/skins.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

/** A snapshot row as the crawler would leave it, but without extracted text. */
async function insertSnapshot(article = ARTICLES.news, variant: Variant = { seed: 1 }): Promise<number> {
  const page = SKINS.news(article, variant);
  const [row] = await database.db
    .insert(snapshots)
    .values({
      hash: createHash('sha256').update(page.body).digest('hex'),
      contentType: page.contentType,
      size: page.body.length,
      body: gzipSync(page.body),
    })
    .returning({ id: snapshots.id });
  return row.id;
}

describe('recordChange', () => {
  it('extracts missing text, classifies and upserts on the snapshot pair', async () => {
    const a = await insertSnapshot();
    const b = await insertSnapshot(EDITS[0].apply(ARTICLES.news), { seed: 2 });
    const row = await recordChange(database.db, a, b);
    expect(row).toMatchObject({
      fromSnapshotId: a,
      toSnapshotId: b,
      classification: 'material',
      kinds: ['number'],
      diffVersion: DIFF_VERSION,
    });
    const [snap] = await database.db.select().from(snapshots).where(eq(snapshots.id, a));
    expect(snap.extractorVersion).toBe(EXTRACTOR_VERSION);
    expect(snap.text).toContain('$400,000 contract');
    expect(snap.title).toBe(ARTICLES.news.headline);
    expect(typeof snap.fingerprint).toBe('bigint');

    const again = await recordChange(database.db, a, b);
    expect(again.id).toBe(row.id);
    const count = await database.db.select({ n: sql<number>`count(*)::int` }).from(changes).where(eq(changes.fromSnapshotId, a));
    expect(count[0].n).toBe(1);
  });

  it('a redesign between two captures is recorded as noise', async () => {
    const row = await recordChange(
      database.db,
      await insertSnapshot(ARTICLES.news, { seed: 3 }),
      await insertSnapshot(ARTICLES.news, { seed: 4, redesign: true }),
    );
    expect(row).toMatchObject({ classification: 'noise', kinds: [], significance: 0 });
  });

  it('recomputeChanges re-derives stored rows, re-extracting outdated snapshots', async () => {
    const a = await insertSnapshot(ARTICLES.news, { seed: 5 });
    const b = await insertSnapshot(EDITS[2].apply(ARTICLES.news), { seed: 6 });
    const row = await recordChange(database.db, a, b);
    // Simulate rows written by an older classifier and an older extractor.
    await database.db.update(changes).set({ classification: 'noise', kinds: [], diffVersion: 0 }).where(eq(changes.id, row.id));
    await database.db.update(snapshots).set({ text: 'stale', extractorVersion: 0 }).where(eq(snapshots.id, a));
    expect(await recomputeChanges(database.db)).toBeGreaterThanOrEqual(3);
    const [fresh] = await database.db.select().from(changes).where(eq(changes.id, row.id));
    expect(fresh).toMatchObject({ classification: 'material', kinds: ['paragraph-removed'], diffVersion: DIFF_VERSION });
    const [snap] = await database.db.select().from(snapshots).where(eq(snapshots.id, a));
    expect(snap.text).not.toBe('stale');
  });
});
