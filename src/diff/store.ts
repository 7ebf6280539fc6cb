import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { captures, changes, snapshots } from '../db/schema/index.js';
import { snapshotTextColumns } from '../extract/columns.js';
import { extractContent, EXTRACTOR_VERSION } from '../extract/index.js';
import { classifyChange, DIFF_VERSION } from './classifyChange.js';

export type ChangeRow = typeof changes.$inferSelect;

/** A snapshot's title and text, re-extracted from its body when missing or made by an older extractor. */
async function snapshotText(db: Db, id: number): Promise<{ title: string; text: string }> {
  const [row] = await db
    .select({ title: snapshots.title, text: snapshots.text, version: snapshots.extractorVersion, contentType: snapshots.contentType, body: snapshots.body })
    .from(snapshots)
    .where(eq(snapshots.id, id));
  if (!row) throw new Error(`snapshot ${id} does not exist`);
  if (row.text !== null && row.version !== null && row.version >= EXTRACTOR_VERSION) return { title: row.title ?? '', text: row.text };
  const [capture] = await db.select({ url: captures.finalUrl }).from(captures).where(eq(captures.snapshotId, id)).limit(1);
  const extracted = await extractContent({ body: gunzipSync(row.body), contentType: row.contentType, url: capture?.url ?? 'http://127.0.0.1/' });
  await db.update(snapshots).set(snapshotTextColumns(extracted)).where(eq(snapshots.id, id));
  return { title: extracted.title, text: extracted.text };
}

/** Classifies the change between two snapshots and stores it (one row per ordered pair, replaced on re-run). */
export async function recordChange(db: Db, fromSnapshotId: number, toSnapshotId: number): Promise<ChangeRow> {
  const before = await snapshotText(db, fromSnapshotId);
  const after = await snapshotText(db, toSnapshotId);
  const c = classifyChange(before, after);
  const values = {
    classification: c.classification,
    kinds: c.kinds,
    significance: c.significance,
    added: c.added,
    removed: c.removed,
    summary: c.summary,
    diffVersion: DIFF_VERSION,
  };
  const [row] = await db
    .insert(changes)
    .values({ fromSnapshotId, toSnapshotId, ...values })
    .onConflictDoUpdate({ target: [changes.fromSnapshotId, changes.toSnapshotId], set: values })
    .returning();
  return row;
}

/** Re-derives every stored change (after the classifier or extractor improved); returns how many. */
export async function recomputeChanges(db: Db, options: { onlyOutdated?: boolean } = {}): Promise<number> {
  const rows = await db.select({ id: changes.id, from: changes.fromSnapshotId, to: changes.toSnapshotId, version: changes.diffVersion }).from(changes);
  let count = 0;
  for (const row of rows) {
    if (options.onlyOutdated && row.version >= DIFF_VERSION) continue;
    await recordChange(db, row.from, row.to);
    count++;
  }
  return count;
}

