import { gunzipSync } from 'node:zlib';
import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
import { captures, snapshots } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';

/**
 * The read side of the archive: the one "captures of a source" and "one capture" that the CLI and
 * the coming HTTP API both call.
 */

export type CaptureListItem = {
  id: number;
  at: Date;
  outcome: string;
  errorKind: string | null;
  httpStatus: number | null;
  finalUrl: string | null;
  fetcher: string;
  /** sha256 of the bytes fetched (null when nothing came back). */
  bodyHash: string | null;
  /** The snapshot whose text stands for this capture: the rendered one when there is one. */
  snapshotId: number | null;
  /** Whether its text differs from the previous capture that had content (null: no content, or the first). */
  contentChanged: boolean | null;
};

export type CaptureFilter = { from?: Date; to?: Date };
/** A page: the captures after (older than) the capture `after`, at most `limit` of them. */
export type CapturePage = { after?: number | null; limit?: number };

/**
 * A source's captures, newest first, with whether each one's content changed from the source's
 * previous capture with content (within the filter or before it); by keyset pages when asked, so a
 * page reads only its own rows.
 */
export async function listCaptures(
  db: Queryable,
  sourceId: number,
  filter: CaptureFilter = {},
  page: CapturePage = {},
): Promise<CaptureListItem[]> {
  const shown = sql`coalesce(${captures.renderedSnapshotId}, ${captures.snapshotId})`;
  const query = db
    .select({
      id: captures.id,
      at: captures.startedAt,
      outcome: captures.outcome,
      errorKind: captures.errorKind,
      httpStatus: captures.httpStatus,
      finalUrl: captures.finalUrl,
      fetcher: captures.fetcher,
      bodyHash: captures.bodyHash,
      snapshotId: sql<number | null>`${shown}`.mapWith((v) => (v === null ? null : Number(v))),
      contentChanged: sql<
        boolean | null
      >`case when ${captures.outcome} in ('fetched', 'not-modified') and ${snapshots.textHash} is not null then (
          select ps.text_hash <> ${snapshots.textHash} from captures p
          join snapshots ps on ps.id = coalesce(p.rendered_snapshot_id, p.snapshot_id)
          where p.source_id = ${captures.sourceId} and p.outcome in ('fetched', 'not-modified') and ps.text_hash is not null
            and (p.started_at, p.id) < (${captures.startedAt}, ${captures.id})
          order by p.started_at desc, p.id desc limit 1) end`.mapWith((v) => (v === null ? null : v === true || v === 't')),
    })
    .from(captures)
    .leftJoin(snapshots, eq(snapshots.id, shown))
    .where(
      and(
        eq(captures.sourceId, sourceId),
        filter.from ? gte(captures.startedAt, filter.from) : undefined,
        filter.to ? lte(captures.startedAt, filter.to) : undefined,
        page.after != null
          ? sql`(${captures.startedAt}, ${captures.id}) < (select a.started_at, a.id from captures a where a.id = ${page.after})`
          : undefined,
      ),
    )
    .orderBy(desc(captures.startedAt), desc(captures.id));
  return page.limit === undefined ? query : query.limit(page.limit);
}

export type CaptureDetail = typeof captures.$inferSelect & {
  snapshot: { id: number; kind: string; contentType: string | null; title: string | null; text: string | null } | null;
};

/** One capture with the snapshot that stands for it (rendered when there is one); its bytes: rawBody. */
export async function getCapture(db: Queryable, captureId: number): Promise<CaptureDetail> {
  const [capture] = await db.select().from(captures).where(eq(captures.id, captureId));
  if (!capture) throw new NotFoundError(`no capture has the id ${captureId}`);
  const snapshotId = capture.renderedSnapshotId ?? capture.snapshotId;
  if (snapshotId === null) return { ...capture, snapshot: null };
  const [snap] = await db
    .select({
      id: snapshots.id,
      kind: snapshots.kind,
      contentType: snapshots.contentType,
      title: snapshots.title,
      text: snapshots.text,
    })
    .from(snapshots)
    .where(eq(snapshots.id, snapshotId));
  return { ...capture, snapshot: snap ?? null };
}

/** The bytes as fetched over HTTP (the raw snapshot, never the rendered DOM), with their type. */
export async function rawBody(db: Queryable, captureId: number): Promise<{ contentType: string | null; body: Uint8Array }> {
  const [capture] = await db.select({ snapshotId: captures.snapshotId }).from(captures).where(eq(captures.id, captureId));
  if (!capture) throw new NotFoundError(`no capture has the id ${captureId}`);
  if (capture.snapshotId === null) throw new NotFoundError(`capture ${captureId} got no body (see its outcome)`);
  const [snap] = await db
    .select({ contentType: snapshots.contentType, body: snapshots.body })
    .from(snapshots)
    .where(eq(snapshots.id, capture.snapshotId));
  return { contentType: snap.contentType, body: gunzipSync(snap.body) };
}
