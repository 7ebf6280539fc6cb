import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import { alerts, channelCursors } from '../db/schema/index.js';
import type { ChannelConfig } from './channelSettings.js';
import { digestAlertKey } from './keys.js';
import { buildDigestPayload, type FlagPayload } from './payload.js';

const DAY_MS = 86_400_000;

export function digestPeriodMs(delivery: ChannelConfig['delivery']): number | null {
  return delivery === 'daily' ? DAY_MS : delivery === 'weekly' ? 7 * DAY_MS : null;
}

export type DigestDecision =
  /** Nothing to do yet. */
  | { action: 'wait' }
  /** No cursor and nothing held: the channel's first period starts now. */
  | { action: 'start' }
  /** The period [from, now) is over: write a digest of what it held (or an empty one when asked), or just move on. */
  | { action: 'close'; from: Date; send: boolean };

/**
 * Whether a digest channel's period is over. It starts at the last digest, or (before the first)
 * at the oldest alert held for it; an empty period sends nothing unless the channel asks. Pure.
 */
export function decideDigest(input: {
  periodMs: number;
  lastDigestAt: Date | null;
  oldestHeldAt: Date | null;
  held: number;
  sendEmptyDigest: boolean;
  now: Date;
}): DigestDecision {
  const from = input.lastDigestAt ?? input.oldestHeldAt;
  if (!from) return { action: 'start' };
  if (input.now.getTime() - from.getTime() < input.periodMs) return { action: 'wait' };
  return { action: 'close', from, send: input.held > 0 || input.sendEmptyDigest };
}

export type DigestSummary = { digests: { channel: string; alertId: number; count: number }[] };

/**
 * The digest job: for each daily or weekly channel whose period is over, one digest alert (pending:
 * the notify job delivers it like any other) grouping the alerts held since the last one. The
 * cursor row is locked for the decision, so two workers never write two digests of one period (and
 * the key, the period's start, would refuse the second anyway).
 */
export async function runDigest(deps: { db: Db; config: Config; now?: () => Date }): Promise<DigestSummary> {
  const summary: DigestSummary = { digests: [] };
  for (const channel of deps.config.channels) {
    const periodMs = digestPeriodMs(channel.delivery);
    if (periodMs === null) continue;
    const now = deps.now?.() ?? new Date();
    await deps.db.transaction(async (tx) => {
      await tx.insert(channelCursors).values({ channel: channel.name }).onConflictDoNothing();
      const [cursor] = await tx.select().from(channelCursors).where(eq(channelCursors.channel, channel.name)).for('update');
      const held = await tx
        .select()
        .from(alerts)
        .where(and(eq(alerts.channel, channel.name), eq(alerts.status, 'held'), isNull(alerts.digestId)))
        .orderBy(asc(alerts.id));
      const decision = decideDigest({
        periodMs,
        lastDigestAt: cursor.lastDigestAt,
        oldestHeldAt: held[0]?.createdAt ?? null,
        held: held.length,
        sendEmptyDigest: channel.sendEmptyDigest,
        now,
      });
      if (decision.action === 'wait') return;
      let digestId: number | null = null;
      if (decision.action === 'close' && decision.send) {
        const payload = buildDigestPayload(
          channel.name,
          { from: decision.from, to: now },
          held.map((a) => a.payload as FlagPayload),
        );
        const [row] = await tx
          .insert(alerts)
          .values({
            channel: channel.name,
            kind: 'digest',
            idempotencyKey: digestAlertKey(decision.from),
            payload,
            status: 'pending',
            nextAttemptAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: alerts.id });
        if (row) {
          digestId = row.id;
          if (held.length > 0)
            await tx
              .update(alerts)
              .set({ digestId: row.id })
              .where(
                inArray(
                  alerts.id,
                  held.map((a) => a.id),
                ),
              );
          summary.digests.push({ channel: channel.name, alertId: row.id, count: held.length });
        }
      }
      await tx
        .update(channelCursors)
        .set({ lastDigestAt: now, ...(digestId !== null ? { lastDigestAlertId: digestId } : {}) })
        .where(eq(channelCursors.channel, channel.name));
    });
  }
  return summary;
}
