import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../db/open.js';
import type { ExportCapture } from './plan.js';

/** Which captures an export holds: one source or all, within a time range (inclusive). */
export type ExportFilter = { sourceId?: number; since?: Date; until?: Date };

type Row = {
  id: string | number;
  source_url: string;
  started_at: Date | string;
  requested_url: string;
  final_url: string | null;
  redirects: unknown;
  http_status: number | null;
  fetcher: string;
  outcome: string;
  error_kind: string | null;
  error_message: string | null;
  duration_ms: number | null;
  headers: unknown;
  response_header_list: unknown;
  request: unknown;
  snapshot_id: string | number | null;
  hash: string | null;
  size: number | null;
  state: string | null;
  root_id: string | number | null;
  root_at: Date | string | null;
  root_url: string | null;
};

/**
 * The next page of captures after `afterId`, in id order (keyset paging: each page costs the same
 * however far the export has come). Each comes with its state as of then and, when its body is the
 * one an earlier capture of the same export stored with no other content in between, that capture.
 */
export async function capturePage(db: Queryable, filter: ExportFilter, afterId: number, limit: number): Promise<ExportCapture[]> {
  const inRange = (alias: string) =>
    sql.join(
      [
        filter.since ? sql`and ${sql.identifier(alias)}.started_at >= ${filter.since.toISOString()}::timestamptz` : sql``,
        filter.until ? sql`and ${sql.identifier(alias)}.started_at <= ${filter.until.toISOString()}::timestamptz` : sql``,
      ],
      sql` `,
    );
  const rows = await queryRows<Row>(
    db,
    sql`select c.id, s.url as source_url, c.started_at, c.requested_url, c.final_url, c.redirects, c.http_status, c.fetcher,
          c.outcome, c.error_kind, c.error_message, c.duration_ms, c.headers, c.response_header_list, c.request,
          c.snapshot_id, snap.hash, snap.size,
          (select ss.state from source_states ss where ss.source_id = c.source_id and ss.capture_id <= c.id
             order by ss.capture_id desc, ss.id desc limit 1) as state,
          root.id as root_id, root.started_at as root_at, root.final_url as root_url
        from captures c
        join sources s on s.id = c.source_id
        left join snapshots snap on snap.id = c.snapshot_id
        left join lateral (
          select r.id, r.started_at, r.final_url from captures r
          where c.snapshot_id is not null and r.source_id = c.source_id and r.snapshot_id = c.snapshot_id
            and r.final_url is not null and r.http_status is not null and r.id < c.id ${inRange('r')}
            and not exists (
              select 1 from captures x where x.source_id = c.source_id and x.snapshot_id is not null
                and x.snapshot_id <> c.snapshot_id and x.id > r.id and x.id < c.id)
          order by r.id limit 1
        ) root on true
        where c.id > ${afterId}
          ${filter.sourceId === undefined ? sql`` : sql`and c.source_id = ${filter.sourceId}`}
          ${inRange('c')}
        order by c.id
        limit ${limit}`,
  );
  return rows.map(toCapture);
}

/** One archived body, decompressed: the export holds one at a time. */
export async function snapshotBody(db: Queryable, snapshotId: number): Promise<Uint8Array> {
  const [row] = await queryRows<{ body: Uint8Array }>(db, sql`select body from snapshots where id = ${snapshotId}`);
  return gunzipSync(row.body);
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function toCapture(r: Row): ExportCapture {
  return {
    id: Number(r.id),
    sourceUrl: r.source_url,
    at: new Date(r.started_at),
    requestedUrl: r.requested_url,
    finalUrl: r.final_url,
    redirects: json(r.redirects) ?? [],
    httpStatus: r.http_status,
    fetcher: r.fetcher,
    outcome: r.outcome,
    errorKind: r.error_kind,
    errorMessage: r.error_message,
    durationMs: r.duration_ms,
    headers: json(r.headers) ?? {},
    responseHeaderList: json(r.response_header_list),
    request: json(r.request),
    body: r.snapshot_id !== null && r.hash !== null ? { snapshotId: Number(r.snapshot_id), hash: r.hash, size: Number(r.size) } : null,
    state: r.state,
    revisitOf: r.root_id !== null ? { id: Number(r.root_id), at: new Date(r.root_at!), url: r.root_url! } : null,
  };
}
