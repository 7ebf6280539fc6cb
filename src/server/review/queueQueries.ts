import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/open.js';
import { PAGE_SIZE, type QueueFilter } from './queueFilter.js';

/** The review queue read from the database: open flags not snoozed, most important and most recent first. */

export type QueueSource = { sourceId: number; url: string; state: string; reason: string | null; touches: boolean; terms: string[] };
export type QueueRow = {
  flagId: number;
  eventId: string;
  title: string;
  date: string | null;
  importance: number | null;
  openedAt: Date;
  sources: QueueSource[];
};
export type QueueCounts = { open: number; changed: number; vanished: number; touchingClaim: number; snoozed: number; matching: number };
export type QueuePage = { rows: QueueRow[]; counts: QueueCounts; reasons: string[]; tags: string[] };

function conditions(filter: QueueFilter, now: Date): SQL {
  const parts: SQL[] = [sql`f.status = 'open'`, sql`(f.snoozed_until is null or f.snoozed_until <= ${now.toISOString()}::timestamptz)`];
  if (filter.state) parts.push(sql`exists (select 1 from flag_sources x where x.flag_id = f.id and x.state = ${filter.state})`);
  if (filter.reason) parts.push(sql`exists (select 1 from flag_sources x where x.flag_id = f.id and x.reason = ${filter.reason})`);
  const touching = sql`exists (select 1 from flag_sources x where x.flag_id = f.id and (x.touches_claim->>'touches')::boolean)`;
  if (filter.claim === 'yes') parts.push(touching);
  if (filter.claim === 'no') parts.push(sql`not ${touching}`);
  if (filter.tag) parts.push(sql`e.tags @> ${JSON.stringify([filter.tag])}::jsonb`);
  if (filter.minImportance !== undefined) parts.push(sql`e.importance >= ${filter.minImportance}`);
  if (filter.from) parts.push(sql`left(e.date, 10) >= ${filter.from}`);
  if (filter.to) parts.push(sql`left(e.date, 10) <= ${filter.to}`);
  return sql.join(parts, sql` and `);
}

export async function loadQueue(db: Db, filter: QueueFilter, now: Date): Promise<QueuePage> {
  const where = conditions(filter, now);
  const rows = await queryRows<Omit<QueueRow, 'sources' | 'openedAt'> & { openedAt: Date | string; sources: QueueSource[] | string }>(
    db,
    // The page is cut first, so the sources are gathered for its rows only, not for every row skipped.
    sql`select q.*,
          (select json_agg(json_build_object('sourceId', s.id, 'url', s.url, 'state', x.state, 'reason', x.reason,
                    'touches', coalesce((x.touches_claim->>'touches')::boolean, false),
                    'terms', coalesce(x.touches_claim->'terms', '[]'::jsonb)) order by x.id)
             from flag_sources x join sources s on s.id = x.source_id where x.flag_id = q."flagId") as sources
        from (select f.id as "flagId", f.event_id as "eventId", e.title, e.date, e.importance, f.opened_at as "openedAt"
              from flags f join events e on e.id = f.event_id
              where ${where}
              order by e.importance desc nulls last, f.opened_at desc, f.id desc
              limit ${PAGE_SIZE} offset ${(filter.page - 1) * PAGE_SIZE}) q
        order by q.importance desc nulls last, q."openedAt" desc, q."flagId" desc`,
  );
  const nowIso = now.toISOString();
  const [counts] = await queryRows<Record<keyof QueueCounts, number>>(
    db,
    sql`select
          count(*) filter (where f.snoozed_until is null or f.snoozed_until <= ${nowIso}::timestamptz)::int as open,
          count(*) filter (where f.snoozed_until > ${nowIso}::timestamptz)::int as snoozed,
          count(*) filter (where (f.snoozed_until is null or f.snoozed_until <= ${nowIso}::timestamptz)
            and exists (select 1 from flag_sources x where x.flag_id = f.id and x.state = 'changed'))::int as changed,
          count(*) filter (where (f.snoozed_until is null or f.snoozed_until <= ${nowIso}::timestamptz)
            and exists (select 1 from flag_sources x where x.flag_id = f.id and x.state = 'vanished'))::int as vanished,
          count(*) filter (where (f.snoozed_until is null or f.snoozed_until <= ${nowIso}::timestamptz)
            and exists (select 1 from flag_sources x where x.flag_id = f.id and (x.touches_claim->>'touches')::boolean))::int as "touchingClaim",
          (select count(*)::int from flags f join events e on e.id = f.event_id where ${where}) as matching
        from flags f where f.status = 'open'`,
  );
  const reasons = await queryRows<{ reason: string }>(
    db,
    sql`select distinct x.reason from flag_sources x join flags f on f.id = x.flag_id
        where f.status = 'open' and x.reason is not null order by x.reason`,
  );
  const tags = await queryRows<{ tag: string }>(
    db,
    sql`select distinct t.tag from flags f join events e on e.id = f.event_id, jsonb_array_elements_text(e.tags) as t(tag)
        where f.status = 'open' order by t.tag`,
  );
  return {
    rows: rows.map((r) => ({
      ...r,
      openedAt: new Date(r.openedAt),
      sources: (typeof r.sources === 'string' ? JSON.parse(r.sources) : r.sources) ?? [],
    })),
    counts: { ...counts, matching: Number(counts.matching) },
    reasons: reasons.map((r) => r.reason),
    tags: tags.map((t) => t.tag),
  };
}

/** The events before and after one in the queue's order (unfiltered), for next/previous. */
export async function queueNeighbours(db: Db, eventId: string, now: Date): Promise<{ previous: string | null; next: string | null }> {
  const ordered = await queryRows<{ eventId: string; previous: string | null; next: string | null }>(
    db,
    sql`select q."eventId", q.previous, q.next from (
          select f.event_id as "eventId",
            lag(f.event_id) over w as previous, lead(f.event_id) over w as next
          from flags f join events e on e.id = f.event_id
          where ${conditions({ page: 1 }, now)}
          window w as (order by e.importance desc nulls last, f.opened_at desc, f.id desc)) q
        where q."eventId" = ${eventId}`,
  );
  return ordered[0] ? { previous: ordered[0].previous, next: ordered[0].next } : { previous: null, next: null };
}
