import { type SQL, sql } from 'drizzle-orm';

/**
 * The one definition of a source's last good capture, which `citewatch sources`, the API and alerts
 * all show: the source's newest capture that got the page's content (fetched, or not modified since
 * such a capture; with a body, raw or rendered; no error status), taken before `before` when that is
 * given: the capture at which the source's trouble began, so a soft 404 answered 200 does not count.
 * A subquery yielding `id` and `started_at`, for a lateral join or a scalar select.
 */
export function lastGoodCaptureQuery(sourceId: SQL, before: SQL): SQL {
  return sql`select g.id, g.started_at from captures g
    where g.source_id = ${sourceId} and g.outcome in ('fetched', 'not-modified')
      and coalesce(g.rendered_snapshot_id, g.snapshot_id) is not null
      and (g.http_status is null or g.http_status < 400)
      and g.id < coalesce(${before}, 9223372036854775807)
    order by g.id desc limit 1`;
}

/** The capture at which a source's current state began (a vanish: its first failed check), or null. */
export function stateBeganAtCapture(sourceId: SQL): SQL {
  return sql`(select coalesce(ss.since_capture_id, ss.capture_id) from source_states ss
    where ss.source_id = ${sourceId} order by ss.at desc, ss.id desc limit 1)`;
}
