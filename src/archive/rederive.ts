import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
import { captures, snapshots } from '../db/schema/index.js';
import { EXTRACTOR_VERSION, type Signals } from '../extract/index.js';
import { sanitizeForDb } from '../db/sanitizeText.js';
import { snapshotColumns } from './snapshotColumns.js';
import { extractSafely } from './store.js';

export type CurrentExtraction = { title: string; text: string; signals: Signals | null };

/**
 * A snapshot's text and signals as the current extractor sees them: the stored columns when they are
 * current, otherwise re-extracted from the body (on the extraction pool, never throwing) and every
 * derived column rewritten together. The one route by which stored snapshots are re-derived.
 */
export async function currentExtraction(db: Queryable, snapshotId: number): Promise<CurrentExtraction> {
  const [row] = await db
    .select({ title: snapshots.title, text: snapshots.text, signals: snapshots.signals, version: snapshots.extractorVersion })
    .from(snapshots)
    .where(eq(snapshots.id, snapshotId));
  if (!row) throw new Error(`snapshot ${snapshotId} does not exist`);
  // Signals too: a snapshot re-extracted by an older route had current text and version but no signals.
  if (row.text !== null && row.signals !== null && row.version === EXTRACTOR_VERSION)
    return { title: row.title ?? '', text: row.text, signals: row.signals };
  const [{ body, contentType }] = await db
    .select({ body: snapshots.body, contentType: snapshots.contentType })
    .from(snapshots)
    .where(eq(snapshots.id, snapshotId));
  const [capture] = await db
    .select({ url: captures.finalUrl, requested: captures.requestedUrl })
    .from(captures)
    .where(eq(captures.snapshotId, snapshotId))
    .limit(1);
  const extracted = await extractSafely({ body, gzip: true, contentType, url: capture?.url ?? capture?.requested ?? 'about:blank' });
  if (!extracted) return { title: row.title ?? '', text: row.text ?? '', signals: null };
  const columns = sanitizeForDb(snapshotColumns(extracted));
  await db.update(snapshots).set(columns).where(eq(snapshots.id, snapshotId));
  return { title: columns.title ?? '', text: columns.text ?? '', signals: columns.signals };
}
