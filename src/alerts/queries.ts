import { desc, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/open.js';
import { alerts } from '../db/schema/index.js';

export type AlertListing = {
  id: number;
  channel: string;
  kind: string;
  eventId: string | null;
  idempotencyKey: string;
  status: string;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
};

/** The most recent alerts, newest first, with where their delivery stands. */
export async function listAlerts(db: Db, limit: number): Promise<AlertListing[]> {
  return db
    .select({
      id: alerts.id,
      channel: alerts.channel,
      kind: alerts.kind,
      eventId: alerts.eventId,
      idempotencyKey: alerts.idempotencyKey,
      status: alerts.status,
      attempts: alerts.attempts,
      createdAt: alerts.createdAt,
      nextAttemptAt: alerts.nextAttemptAt,
      deliveredAt: alerts.deliveredAt,
      lastError: alerts.lastError,
    })
    .from(alerts)
    .orderBy(desc(alerts.id))
    .limit(limit);
}

export type ChannelHealth = {
  channel: string;
  pending: number;
  held: number;
  delivered: number;
  oldestPendingAt: Date | null;
  lastAttemptAt: Date | null;
  /** The error of the channel's latest attempt; null when it succeeded (or none was made). */
  lastError: string | null;
  /** Attempts that failed since the channel's last success: a channel that keeps failing shows here. */
  failuresSinceSuccess: number;
};

type HealthRow = {
  channel: string;
  pending: number;
  held: number;
  delivered: number;
  oldest_pending_at: string | Date | null;
  last_attempt_at: string | Date | null;
  last_error: string | null;
  last_ok: boolean | null;
  failures_since_success: number;
};

const asDate = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

/** Where each channel that has alerts stands: what waits, since when, and how its latest attempt went. */
export async function channelHealth(db: Db): Promise<ChannelHealth[]> {
  const rows = await queryRows<HealthRow>(
    db,
    sql`with per_attempt as (
          select a.channel, t.at, t.ok, t.error, t.id,
                 max(case when t.ok then t.id end) over (partition by a.channel) as last_ok_id,
                 row_number() over (partition by a.channel order by t.id desc) as recent
          from alert_attempts t join alerts a on a.id = t.alert_id)
        select c.channel,
               count(*) filter (where c.status = 'pending')::int as pending,
               count(*) filter (where c.status = 'held')::int as held,
               count(*) filter (where c.status = 'delivered')::int as delivered,
               min(c.created_at) filter (where c.status = 'pending') as oldest_pending_at,
               (select p.at from per_attempt p where p.channel = c.channel and p.recent = 1) as last_attempt_at,
               (select p.error from per_attempt p where p.channel = c.channel and p.recent = 1) as last_error,
               (select p.ok from per_attempt p where p.channel = c.channel and p.recent = 1) as last_ok,
               (select count(*)::int from per_attempt p where p.channel = c.channel and not p.ok
                  and p.id > coalesce(p.last_ok_id, 0)) as failures_since_success
        from ${alerts} c group by c.channel order by c.channel`,
  );
  return rows.map((r) => ({
    channel: r.channel,
    pending: r.pending,
    held: r.held,
    delivered: r.delivered,
    oldestPendingAt: asDate(r.oldest_pending_at),
    lastAttemptAt: asDate(r.last_attempt_at),
    lastError: r.last_ok === false ? r.last_error : null,
    failuresSinceSuccess: r.failures_since_success,
  }));
}
