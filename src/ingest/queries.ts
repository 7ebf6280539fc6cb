import { eq, inArray, sql } from 'drizzle-orm';
import { lastGoodCaptureQuery, stateBeganAtCapture } from '../archive/lastGoodCapture.js';
import { queryRows, type Db } from '../db/open.js';
import { sources, sourceUrls } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import { normalizeUrl } from './normalizeUrl.js';

/**
 * The read side of the timeline tables (events, sources, citations): the one "list events", "list
 * sources" and "find a source by URL" that the CLI and the HTTP API both call.
 */

export type EventListItem = {
  id: string;
  date: string | null;
  importance: number | null;
  status: string | null;
  title: string;
  sources: number;
  file: string;
};
export type EventFilter = { minImportance?: number; status?: string; limit?: number };

/** The columns of an EventListItem, selected from `events e`. */
export const eventListColumns = sql`e.id, e.date, e.importance, e.status, e.title, e.source_path as file,
  (select count(*)::int from citations c where c.event_id = e.id and c.detached_at is null) as sources`;

/** Events not removed, oldest first, with the number of citations that hold now. */
export async function listEvents(db: Db, filter: EventFilter = {}): Promise<EventListItem[]> {
  return queryRows<EventListItem>(
    db,
    sql`select ${eventListColumns}
        from events e
        where e.removed_at is null
          ${filter.minImportance === undefined ? sql`` : sql`and e.importance >= ${filter.minImportance}`}
          ${filter.status === undefined ? sql`` : sql`and e.status = ${filter.status}`}
        order by e.date nulls last, e.id
        ${filter.limit === undefined ? sql`` : sql`limit ${filter.limit}`}`,
  );
}

export type SourceListItem = {
  url: string;
  host: string;
  state: string;
  reason: string | null;
  checkedAt: string | null;
  priority: number;
  events: string[];
  /**
   * For a vanished or unreachable source, what survives to re-point a citation at: the last capture
   * with content before the current episode began, and the archive copies the timeline cites.
   */
  lastGoodCapture?: { id: number; at: string } | null;
  archiveUrls?: string[];
};
export type SourceFilter = { state?: string; host?: string; limit?: number };

/** Sources, most important first, with the events citing them now (attached, event not removed). */
export async function listSources(db: Db, filter: SourceFilter = {}): Promise<SourceListItem[]> {
  const rows = await queryRows<
    Omit<SourceListItem, 'checkedAt' | 'lastGoodCapture'> & {
      checkedAt: Date | string | null;
      lastGoodCapture: { id: number | string; at: string } | string | null;
    }
  >(
    db,
    sql`select s.url, s.host, s.state, s.state_reason as reason, s.checked_at as "checkedAt", s.priority,
          coalesce(array_agg(c.event_id order by c.event_id) filter (where c.event_id is not null), '{}') as events,
          case when s.state in ${SURVIVING_STATES} then (
            select json_build_object('id', good.id, 'at', good.started_at)
            from (${lastGoodCaptureQuery(sql`s.id`, stateBeganAtCapture(sql`s.id`))}) good) end as "lastGoodCapture",
          coalesce(array_agg(distinct c.archive_url) filter (where c.archive_url is not null), '{}') as "archiveUrls"
        from sources s
        left join citations c on c.source_id = s.id and c.detached_at is null
          and exists (select 1 from events e where e.id = c.event_id and e.removed_at is null)
        where true
          ${filter.state === undefined ? sql`` : sql`and s.state = ${filter.state}`}
          ${filter.host === undefined ? sql`` : sql`and s.host = ${filter.host.toLowerCase()}`}
        group by s.id
        order by s.priority desc, s.url
        ${filter.limit === undefined ? sql`` : sql`limit ${filter.limit}`}`,
  );
  return rows.map(({ lastGoodCapture, archiveUrls, ...r }) => {
    const row: SourceListItem = { ...r, checkedAt: isoOrNull(r.checkedAt) };
    if (!(SURVIVING_STATES as readonly string[]).includes(r.state)) return row;
    const good = typeof lastGoodCapture === 'string' ? JSON.parse(lastGoodCapture) : lastGoodCapture;
    return { ...row, lastGoodCapture: good && { id: Number(good.id), at: isoOrNull(good.at)! }, archiveUrls };
  });
}

/** States in which a source's page is gone, so the listing points at what survives of it. */
const SURVIVING_STATES = ['vanished', 'unreachable'] as const;

export type TimelineCounts = {
  events: number;
  removed: number;
  sources: number;
  citations: number;
  sourcesByState: Record<string, number>;
};

/** What `citewatch status` shows: events, citations and sources, and sources by state. */
export async function timelineCounts(db: Db): Promise<TimelineCounts> {
  const [counts] = await queryRows<Omit<TimelineCounts, 'sourcesByState'>>(
    db,
    sql`select
      (select count(*)::int from events where removed_at is null) as events,
      (select count(*)::int from events where removed_at is not null) as removed,
      (select count(*)::int from sources) as sources,
      (select count(*)::int from citations where detached_at is null) as citations`,
  );
  const states = await queryRows<{ state: string; n: number }>(
    db,
    sql`select state, count(*)::int as n from sources group by state order by state`,
  );
  return { ...counts, sourcesByState: Object.fromEntries(states.map((s) => [s.state, s.n])) };
}

export type SourceRow = typeof sources.$inferSelect;

/** A source by any URL it is known under: as cited, normalized, or where a crawl ended up. */
export async function findSourceByUrl(db: Db, raw: string): Promise<SourceRow> {
  const normalized = normalizeUrl(raw.trim());
  const candidates = [...new Set([raw.trim(), ...(normalized.ok ? [normalized.url] : [])])];
  const [direct] = await db.select().from(sources).where(inArray(sources.url, candidates)).limit(1);
  if (direct) return direct;
  const [alias] = await db
    .select({ source: sources })
    .from(sourceUrls)
    .innerJoin(sources, eq(sources.id, sourceUrls.sourceId))
    .where(inArray(sourceUrls.url, candidates))
    .limit(1);
  if (alias) return alias.source;
  const why = normalized.ok ? '' : ` (${normalized.reason})`;
  throw new NotFoundError(`no cited source has the URL ${raw}${why}`);
}

/** Raw queries give a Date on postgres.js and may give a string on PGlite: one ISO form for both. */
function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
