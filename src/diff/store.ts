import { currentExtraction } from '../archive/rederive.js';
import type { Db, Queryable } from '../db/open.js';
import { changes } from '../db/schema/index.js';
import { classifyChange, DIFF_VERSION } from './classifyChange.js';

export type ChangeRow = typeof changes.$inferSelect;

/** Classifies the change between two snapshots and stores it (one row per ordered pair, replaced on re-run). */
export async function recordChange(db: Queryable, fromSnapshotId: number, toSnapshotId: number): Promise<ChangeRow> {
  const before = await currentExtraction(db, fromSnapshotId);
  const after = await currentExtraction(db, toSnapshotId);
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
  const rows = await db
    .select({ id: changes.id, from: changes.fromSnapshotId, to: changes.toSnapshotId, version: changes.diffVersion })
    .from(changes);
  let count = 0;
  for (const row of rows) {
    if (options.onlyOutdated && row.version >= DIFF_VERSION) continue;
    await recordChange(db, row.from, row.to);
    count++;
  }
  return count;
}
