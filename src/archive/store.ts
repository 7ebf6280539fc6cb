import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { captures, hosts, snapshots, sources, sourceUrls } from '../db/schema/index.js';
import { fingerprint, toSignedBigint } from '../diff/fingerprint.js';
import { EXTRACTOR_VERSION, type Extracted } from '../extract/index.js';
import { extractInPool } from './extractPool.js';

export type CaptureRow = typeof captures.$inferSelect;
export type NewCapture = Omit<typeof captures.$inferInsert, 'id' | 'snapshotId' | 'renderedSnapshotId' | 'bodyHash'>;

/** A body on its way into the archive: hashed, and extracted only if the archive lacks it. */
export type PreparedSnapshot = {
  hash: string;
  kind: 'raw' | 'rendered';
  contentType: string | null;
  /** Set when the archive already holds this hash: nothing else to store. */
  existingId: number | null;
  body: Uint8Array;
  extracted: Extracted | null;
};

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Hashes a body and, unless an identical one is archived already, extracts its text (outside any
 * transaction: extraction is the slow part). An identical recapture thus costs one index lookup.
 */
export async function prepareSnapshot(db: Db, body: Uint8Array, contentType: string | null, kind: 'raw' | 'rendered', url: string): Promise<PreparedSnapshot> {
  const hash = sha256(body);
  const [row] = await db.select({ id: snapshots.id }).from(snapshots).where(eq(snapshots.hash, hash)).limit(1);
  const extracted = row ? null : await extractSafely(body, contentType, url);
  return { hash, kind, contentType, existingId: row?.id ?? null, body, extracted };
}

/**
 * extractContent (on the extraction pool's threads), never throwing: a body it chokes on is still archived (text null, no extractor
 * version, so a later re-extraction picks it up) rather than losing the capture.
 */
export async function extractSafely(body: Uint8Array, contentType: string | null, url: string): Promise<Extracted | null> {
  try {
    // The pool extracts a private copy: pdf.js refuses Buffers and may detach what it is given; `body` is still to be stored.
    return await extractInPool({ body, contentType, url });
  } catch {
    return null;
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function putSnapshot(tx: Tx, s: PreparedSnapshot): Promise<number> {
  if (s.existingId !== null) return s.existingId;
  const text = s.extracted?.text ?? null;
  const inserted = await tx
    .insert(snapshots)
    .values({
      hash: s.hash,
      kind: s.kind,
      contentType: s.contentType,
      size: s.body.length,
      body: gzipSync(s.body),
      title: s.extracted?.title ?? null,
      text,
      textHash: text === null ? null : sha256(text),
      extractorVersion: s.extracted ? EXTRACTOR_VERSION : null,
      fingerprint: text === null ? null : toSignedBigint(fingerprint(text)),
      signals: s.extracted?.signals ?? null,
    })
    .onConflictDoNothing({ target: snapshots.hash })
    .returning({ id: snapshots.id });
  if (inserted[0]) return inserted[0].id;
  // Another worker stored the same bytes a moment ago.
  const [row] = await tx.select({ id: snapshots.id }).from(snapshots).where(eq(snapshots.hash, s.hash));
  return row.id;
}

export type SourceUpdate = {
  checkedAt: Date;
  nextCheckAt: Date;
  consecutiveFailures: number;
  /** Validators to send next time; undefined leaves the stored ones alone. */
  etag?: string | null;
  lastModified?: string | null;
};

/**
 * Archives one attempt in one transaction: its snapshots (once per hash), the capture row, the
 * source's schedule, the host's last request and the URL the source was finally found at.
 * An interrupted crawl therefore never leaves a capture without its snapshot or the reverse.
 */
export async function storeCapture(
  db: Db,
  input: {
    capture: NewCapture;
    raw?: PreparedSnapshot | null;
    /** For a 304: the snapshot the page still has. */
    reuseSnapshotId?: number | null;
    rendered?: PreparedSnapshot | null;
    reuseRenderedSnapshotId?: number | null;
    source: { id: number; url: string; host: string };
    update: SourceUpdate;
    hostTouched?: { host: string; at: Date; notBefore?: Date | null; renderMode?: 'http' | 'browser' };
  },
): Promise<CaptureRow> {
  return db.transaction(async (tx) => {
    const snapshotId = input.raw ? await putSnapshot(tx, input.raw) : (input.reuseSnapshotId ?? null);
    const renderedSnapshotId = input.rendered ? await putSnapshot(tx, input.rendered) : (input.reuseRenderedSnapshotId ?? null);
    const [row] = await tx
      .insert(captures)
      .values({ ...input.capture, snapshotId, renderedSnapshotId, bodyHash: input.raw?.hash ?? null })
      .returning();
    const { etag, lastModified, ...schedule } = input.update;
    await tx
      .update(sources)
      .set({ ...schedule, ...(etag !== undefined ? { etag } : {}), ...(lastModified !== undefined ? { lastModified } : {}) })
      .where(eq(sources.id, input.source.id));
    if (input.hostTouched) await touchHost(tx, input.hostTouched);
    const finalUrl = input.capture.finalUrl;
    if (finalUrl && finalUrl !== input.source.url && input.capture.outcome !== 'network-error') {
      await tx
        .insert(sourceUrls)
        .values({ sourceId: input.source.id, url: finalUrl, kind: 'final' })
        .onConflictDoUpdate({ target: [sourceUrls.sourceId, sourceUrls.url, sourceUrls.kind], set: { lastSeenAt: sql`now()` } });
    }
    return row;
  });
}

/** Records that a host was asked at `at` (and, when known, until when it asked us to wait). */
export async function touchHost(db: Db | Tx, t: { host: string; at: Date; notBefore?: Date | null; renderMode?: 'http' | 'browser' }): Promise<void> {
  const set: Partial<typeof hosts.$inferInsert> = { lastRequestAt: t.at };
  if (t.notBefore !== undefined) set.notBefore = t.notBefore;
  if (t.renderMode) set.renderMode = t.renderMode;
  await db
    .insert(hosts)
    .values({ host: t.host, ...set })
    .onConflictDoUpdate({ target: hosts.host, set });
}

export type PreviousSnapshots = { snapshotId: number; renderedSnapshotId: number | null; hash: string; finalUrl: string | null };

/**
 * For each source, the snapshots of its latest capture that had a body: what a 304 says is still
 * there, and where the validators came from. One query per 1,000 sources, read once per pass.
 */
export async function previousSnapshotsOf(db: Db, sourceIds: number[]): Promise<Map<number, PreviousSnapshots>> {
  const out = new Map<number, PreviousSnapshots>();
  for (let i = 0; i < sourceIds.length; i += 1000) {
    const ids = sourceIds.slice(i, i + 1000);
    const rows = await db
      .selectDistinctOn([captures.sourceId], { sourceId: captures.sourceId, snapshotId: captures.snapshotId, renderedSnapshotId: captures.renderedSnapshotId, hash: snapshots.hash, finalUrl: captures.finalUrl })
      .from(captures)
      .innerJoin(snapshots, eq(snapshots.id, captures.snapshotId))
      .where(and(inArray(captures.sourceId, ids), sql`${captures.outcome} in ('fetched', 'not-modified', 'not-rendered')`))
      .orderBy(captures.sourceId, sql`${captures.startedAt} desc, ${captures.id} desc`);
    for (const r of rows) if (r.snapshotId !== null) out.set(r.sourceId, { ...r, snapshotId: r.snapshotId });
  }
  return out;
}
