import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { holdSessionLock, sessionLockGone, type Db } from '../db/open.js';
import { alertAttempts, alerts } from '../db/schema/index.js';
import type { SendResult } from './send/types.js';

export type AlertRow = typeof alerts.$inferSelect;

/** The advisory lock keys of notify workers' liveness: (this, hashtext(owner)). Distinct from the crawl's. */
const NOTIFY_LIVENESS_KEY = 7_130_517;

/**
 * Proves a notify worker alive while it holds leases on alerts (as the crawl does for hosts): the
 * server drops the session lock the moment the process dies, so a worker killed mid-delivery leaves
 * alerts the next run takes over at once, not after their lease expires.
 */
export function holdNotifyLiveness(db: Db, owner: string): Promise<() => Promise<void>> {
  return holdSessionLock(db, NOTIFY_LIVENESS_KEY, owner);
}

const ownerGone = sessionLockGone(NOTIFY_LIVENESS_KEY, alerts.leaseOwner);

/**
 * Leases up to `limit` pending alerts of the given channels that are due, oldest first, skipping
 * those another live worker holds: the inner select locks its rows FOR UPDATE SKIP LOCKED, so two
 * workers claiming at once get different alerts (PostgreSQL; PGlite has one session and needs no
 * more). Alerts of a channel no longer configured are left waiting, not tried.
 */
export async function claimDue(
  db: Db,
  claim: { owner: string; now: Date; leaseMs: number; limit: number; channels: string[]; ids?: number[] },
): Promise<AlertRow[]> {
  const { owner, now, leaseMs, limit, channels, ids } = claim;
  if (channels.length === 0) return [];
  const due = db
    .select({ id: alerts.id })
    .from(alerts)
    .where(
      and(
        eq(alerts.status, 'pending'),
        inArray(alerts.channel, channels),
        ids ? inArray(alerts.id, ids) : lte(alerts.nextAttemptAt, now),
        or(isNull(alerts.leaseExpiresAt), lte(alerts.leaseExpiresAt, now), eq(alerts.leaseOwner, owner), ownerGone),
      ),
    )
    .orderBy(asc(alerts.nextAttemptAt), asc(alerts.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(alerts)
    .set({ leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs) })
    .where(inArray(alerts.id, due))
    .returning();
  return claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
}

/** Gives leased alerts back untried (a run stopping, a channel that just failed). */
export async function releaseAlerts(db: Db, owner: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(alerts)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(inArray(alerts.id, ids), eq(alerts.leaseOwner, owner)));
}

export type AttemptRecord = { at: Date; durationMs: number; result: SendResult; nextAttemptAt: Date | null };

/**
 * Records one attempt and its consequence in one transaction: the attempt row, then the alert either
 * delivered (with, for a digest, the alerts it carried) or pending again until nextAttemptAt.
 */
export async function recordAttempt(db: Db, alert: AlertRow, attempt: AttemptRecord): Promise<void> {
  const { result } = attempt;
  await db.transaction(async (tx) => {
    await tx.insert(alertAttempts).values({
      alertId: alert.id,
      at: attempt.at,
      durationMs: attempt.durationMs,
      ok: result.ok,
      status: result.status,
      error: result.ok ? null : result.error,
    });
    const common = { attempts: sql`${alerts.attempts} + 1`, leaseOwner: null, leaseExpiresAt: null };
    if (result.ok) {
      const deliveredAt = new Date(attempt.at.getTime() + attempt.durationMs);
      await tx
        .update(alerts)
        .set({ ...common, status: 'delivered', deliveredAt })
        .where(eq(alerts.id, alert.id));
      if (alert.kind === 'digest') await tx.update(alerts).set({ status: 'delivered', deliveredAt }).where(eq(alerts.digestId, alert.id));
    } else {
      await tx
        .update(alerts)
        .set({ ...common, lastError: result.error, nextAttemptAt: attempt.nextAttemptAt ?? attempt.at })
        .where(eq(alerts.id, alert.id));
    }
  });
}
