import { sql } from 'drizzle-orm';
import { archiveTimestamp } from '../../archive/captureTimes.js';
import { lastGoodCaptureQuery, stateBeganAtCapture } from '../../archive/lastGoodCapture.js';
import { queryRows, type Db } from '../../db/open.js';
import { NotFoundError } from '../../errors.js';
import { eventListColumns, type EventListItem } from '../../ingest/queries.js';

/**
 * The API's lists, each in a stable order with a keyset (`after`), so a cursor page never skips or
 * repeats a row when rows are added between two requests. One more row than asked is fetched: see toPage.
 */

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** Events not removed, by id. */
export async function pageEvents(db: Db, after: string | null, limit: number): Promise<EventListItem[]> {
  return queryRows<EventListItem>(
    db,
    sql`select ${eventListColumns}
        from events e
        where e.removed_at is null ${after === null ? sql`` : sql`and e.id > ${after}`}
        order by e.id limit ${limit + 1}`,
  );
}

export type LastGoodCapture = { id: number; time: string; link: string };
export type ApiSource = {
  id: number;
  url: string;
  host: string;
  state: string;
  stateReason: string | null;
  stateSince: string | null;
  checkedAt: string | null;
  priority: number;
  citations: { eventId: string; originalUrl: string; archiveUrl: string | null }[];
  lastGoodCapture: LastGoodCapture | null;
};
export type SourceFilter = { state?: string; host?: string; id?: number };

/**
 * Sources by id, with the citations that hold now and, for re-pointing a dead citation, the last
 * capture that got the page before its current vanish began (for other states, the latest good one).
 */
export async function pageSources(db: Db, filter: SourceFilter, after: number | null, limit: number): Promise<ApiSource[]> {
  const rows = await queryRows<{
    id: number;
    url: string;
    host: string;
    state: string;
    stateReason: string | null;
    stateSince: Date | string | null;
    checkedAt: Date | string | null;
    priority: number;
    citations: ApiSource['citations'] | null;
    goodId: number | string | null;
    goodAt: Date | string | null;
  }>(
    db,
    sql`select s.id, s.url, s.host, s.state, s.state_reason as "stateReason", s.state_since as "stateSince",
          s.checked_at as "checkedAt", s.priority,
          (select json_agg(json_build_object('eventId', c.event_id, 'originalUrl', c.original_url, 'archiveUrl', c.archive_url) order by c.event_id)
             from citations c where c.source_id = s.id and c.detached_at is null) as citations,
          good.id as "goodId", good.started_at as "goodAt"
        from sources s
        left join lateral (${lastGoodCaptureQuery(
          sql`s.id`,
          sql`case when s.state in ('vanished', 'unreachable') then ${stateBeganAtCapture(sql`s.id`)} end`,
        )}) good on true
        where true
          ${filter.id === undefined ? sql`` : sql`and s.id = ${filter.id}`}
          ${filter.state === undefined ? sql`` : sql`and s.state = ${filter.state}`}
          ${filter.host === undefined ? sql`` : sql`and s.host = ${filter.host.toLowerCase()}`}
          ${after === null ? sql`` : sql`and s.id > ${after}`}
        order by s.id limit ${limit + 1}`,
  );
  return rows.map(({ goodId, goodAt, citations, ...r }) => ({
    ...r,
    stateSince: iso(r.stateSince),
    checkedAt: iso(r.checkedAt),
    citations: citations ?? [],
    lastGoodCapture:
      goodId === null || goodAt === null
        ? null
        : { id: Number(goodId), time: iso(goodAt) as string, link: `/replay/${archiveTimestamp(new Date(goodAt))}/${r.url}` },
  }));
}

/** One source, as the list gives it. */
export async function getSource(db: Db, id: number): Promise<ApiSource> {
  const [source] = await pageSources(db, { id }, null, 1);
  if (!source) throw new NotFoundError(`no source has the id ${id}`);
  return source;
}

export type ApiChange = {
  id: number;
  fromSnapshotId: number;
  toSnapshotId: number;
  classification: string;
  kinds: string[];
  significance: number;
  summary: string | null;
  added: string[];
  removed: string[];
  createdAt: string;
};

/** Changes newest first; with a source, only those between its own captures. */
export async function pageChanges(db: Db, sourceId: number | undefined, before: number | null, limit: number): Promise<ApiChange[]> {
  const ofSource = (column: string) =>
    sql`and ${sql.raw(column)} in (select coalesce(rendered_snapshot_id, snapshot_id) from captures where source_id = ${sourceId})`;
  const rows = await queryRows<Omit<ApiChange, 'createdAt'> & { createdAt: Date | string }>(
    db,
    sql`select c.id, c.from_snapshot_id as "fromSnapshotId", c.to_snapshot_id as "toSnapshotId", c.classification, c.kinds,
          c.significance, c.summary, c.added, c.removed, c.created_at as "createdAt"
        from changes c
        where true
          ${sourceId === undefined ? sql`` : sql`${ofSource('c.to_snapshot_id')} ${ofSource('c.from_snapshot_id')}`}
          ${before === null ? sql`` : sql`and c.id < ${before}`}
        order by c.id desc limit ${limit + 1}`,
  );
  return rows.map((r) => ({
    ...r,
    fromSnapshotId: Number(r.fromSnapshotId),
    toSnapshotId: Number(r.toSnapshotId),
    createdAt: iso(r.createdAt) as string,
  }));
}
