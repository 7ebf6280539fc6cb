import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { chunks } from '../db/chunks.js';
import type { Db } from '../db/open.js';
import { captures, snapshots } from '../db/schema/index.js';
import type { Extracted, Signals } from '../extract/index.js';
import { sha256 } from '../sha256.js';
import { extractInPool } from './extractPool.js';
import type { PoolInput } from './poolInput.js';

export type CaptureRow = typeof captures.$inferSelect;

/** A body on its way into the archive: hashed, and extracted unless it is the source's previous snapshot again. */
export type PreparedSnapshot = {
  hash: string;
  kind: 'raw' | 'rendered';
  contentType: string | null;
  /** Set when the body is the source's previous snapshot again: nothing else to store. */
  existingId: number | null;
  /** The body's length in bytes (the body itself is not kept: a pass holds many of these at once). */
  size: number;
  /** The body as the archive stores it (gzip), compressed off the main thread; null when archived already. */
  gzipped: Uint8Array | null;
  extracted: Extracted | null;
  /** What extraction noticed: of this extraction, or stored with that previous snapshot. */
  signals: Signals | null;
};

const gzip = promisify(gzipCallback);

/** The snapshot a source's last capture stored: a body hashing the same is that snapshot again. */
export type KnownSnapshot = { id: number; hash: string; signals: Signals | null };

/**
 * Hashes a body and, unless it is the source's previous snapshot again, extracts its text and
 * compresses it (off the main thread, outside any transaction: the slow parts). No database: a
 * lookup here waited behind the pass's write transactions (the embedded database runs one thing at
 * a time), tens of seconds on a busy pass. A body archived before under another source or version
 * is extracted once more and then kept once (putSnapshots: one row per hash).
 */
export function prepareSnapshot(
  body: Uint8Array,
  contentType: string | null,
  kind: 'raw' | 'rendered',
  url: string,
  previous: KnownSnapshot | null = null,
  /** The extraction pool's order (the crawl passes its host's work left). */
  priority = 0,
): Promise<PreparedSnapshot> {
  const hash = sha256(body);
  if (previous && previous.hash === hash)
    return Promise.resolve({
      hash,
      kind,
      contentType,
      existingId: previous.id,
      size: body.length,
      gzipped: null,
      extracted: null,
      signals: previous.signals,
    });
  // Not an async function, and nothing below holds the body: a page waits for its text (tens of
  // seconds on a busy pass, thousands at once) with its compressed bytes only, which the pool
  // inflates. Held, the bodies outlived young-generation collections and piled up as garbage.
  const size = body.length;
  return gzip(body).then(async (gzipped) => {
    const extracted = await extractSafely({ body: gzipped, gzip: true, contentType, url }, priority);
    return { hash, kind, contentType, existingId: null, size, gzipped, extracted, signals: extracted?.signals ?? null };
  });
}

/**
 * extractContent (on the extraction pool's threads), never throwing: a body it chokes on is still archived (text null, no extractor
 * version, so a later re-extraction picks it up) rather than losing the capture.
 */
export async function extractSafely(input: PoolInput, priority = 0): Promise<Extracted | null> {
  try {
    // The pool extracts a private copy: pdf.js refuses Buffers and may detach what it is given; the body is still to be stored.
    return await extractInPool(input, priority);
  } catch {
    return null;
  }
}

export type PreviousSnapshots = {
  snapshotId: number;
  renderedSnapshotId: number | null;
  hash: string;
  /** What extraction noticed on that snapshot: an identical body says the same. */
  signals: Signals | null;
  finalUrl: string | null;
};

/**
 * For each source, the snapshots of its latest capture that had a body: what a 304 says is still
 * there, and where the validators came from. One query per 1,000 sources, read once per pass.
 */
export async function previousSnapshotsOf(db: Db, sourceIds: number[]): Promise<Map<number, PreviousSnapshots>> {
  const out = new Map<number, PreviousSnapshots>();
  for (const ids of chunks(sourceIds, 1000)) {
    const rows = await db
      .selectDistinctOn([captures.sourceId], {
        sourceId: captures.sourceId,
        snapshotId: captures.snapshotId,
        renderedSnapshotId: captures.renderedSnapshotId,
        hash: snapshots.hash,
        signals: snapshots.signals,
        finalUrl: captures.finalUrl,
      })
      .from(captures)
      .innerJoin(snapshots, eq(snapshots.id, captures.snapshotId))
      .where(and(inArray(captures.sourceId, ids), sql`${captures.outcome} in ('fetched', 'not-modified', 'not-rendered')`))
      .orderBy(captures.sourceId, sql`${captures.startedAt} desc, ${captures.id} desc`);
    for (const r of rows) if (r.snapshotId !== null) out.set(r.sourceId, { ...r, snapshotId: r.snapshotId });
  }
  return out;
}
