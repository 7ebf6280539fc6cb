import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/open.js';
import type { SourceState } from '../db/schema/domain.js';
import { revisitFacts } from './reschedule.js';
import { nextRevisit, type RevisitConfig, type RevisitWhy } from './revisitPolicy.js';

export type DueEntry = {
  id: number;
  url: string;
  host: string;
  state: string;
  reason: string | null;
  priority: number;
  checkedAt: string | null;
  /** When the crawl will next check it (null: never checked, due now). */
  nextCheckAt: string | null;
  /** Positive when the check is late: due at the next pass. */
  overdueMs: number;
  why: RevisitWhy;
};

type Row = {
  id: number;
  url: string;
  host: string;
  state: string;
  state_reason: string | null;
  state_since: Date | string | null;
  checked_at: Date | string | null;
  next_check_at: Date | string | null;
  consecutive_failures: number;
  priority: number;
  outcome: string | null;
  http_status: number | null;
  error_kind: string | null;
  headers: Record<string, string> | null;
};

const asDate = (v: Date | string | null) => (v === null ? null : new Date(v));

/**
 * The sources in the order the crawl will reach them: overdue (and never checked) first, then by
 * next check; each with why its check falls when it does, read by the same policy that set it.
 */
export async function listDueSources(
  db: Db,
  config: RevisitConfig & { maxRetryAfterMs: number },
  options: { now: Date; limit?: number; host?: string; state?: string },
): Promise<DueEntry[]> {
  const rows = await queryRows<Row>(
    db,
    sql`select s.id, s.url, s.host, s.state, s.state_reason, s.state_since, s.checked_at, s.next_check_at,
          s.consecutive_failures, s.priority, c.outcome, c.http_status, c.error_kind, c.headers
        from sources s
        left join lateral (select outcome, http_status, error_kind, headers from captures
          where captures.source_id = s.id order by started_at desc, id desc limit 1) c on true
        where true ${options.host ? sql`and s.host = ${options.host.toLowerCase()}` : sql``}
          ${options.state ? sql`and s.state = ${options.state}` : sql``}
        order by s.next_check_at asc nulls first, s.priority desc, s.id
        ${options.limit !== undefined ? sql`limit ${options.limit}` : sql``}`,
  );
  return rows.map((r) => {
    const checkedAt = asDate(r.checked_at);
    const nextCheckAt = asDate(r.next_check_at);
    const why: RevisitWhy =
      checkedAt && r.outcome
        ? nextRevisit(
            revisitFacts(
              {
                id: r.id,
                state: r.state as SourceState,
                stateReason: r.state_reason,
                stateSince: asDate(r.state_since),
                consecutiveFailures: r.consecutive_failures,
                priority: r.priority,
                checkedAt,
              },
              { outcome: r.outcome, httpStatus: r.http_status, errorKind: r.error_kind, headers: r.headers },
              config.maxRetryAfterMs,
            ),
            config,
          ).why
        : 'new';
    return {
      id: r.id,
      url: r.url,
      host: r.host,
      state: r.state,
      reason: r.state_reason,
      priority: r.priority,
      checkedAt: checkedAt?.toISOString() ?? null,
      nextCheckAt: nextCheckAt?.toISOString() ?? null,
      overdueMs: nextCheckAt ? Math.max(0, options.now.getTime() - nextCheckAt.getTime()) : 0,
      why,
    };
  });
}
