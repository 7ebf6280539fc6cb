import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import { alerts } from '../db/schema/index.js';
import type { AlertRow } from './outbox.js';
import type { AlertPayload } from './payload.js';
import { feedPath, renderFeed, writeFeedFile } from './send/atom.js';
import { sendEmail } from './send/email.js';
import { describeError, type OutgoingAlert, type SendResult } from './send/types.js';
import { sendWebhook } from './send/webhook.js';

export type SendContext = { db: Db; config: Config; env: NodeJS.ProcessEnv; signal: AbortSignal };

function outgoing(row: AlertRow): OutgoingAlert {
  return { ...row, payload: row.payload as AlertPayload };
}

/**
 * One attempt to deliver one alert on its channel. A channel no longer in the configuration is a
 * failure like any other: its alerts wait (visible in `citewatch status`) until it is back.
 */
export async function sendAlert(ctx: SendContext, row: AlertRow): Promise<SendResult> {
  const channel = ctx.config.channels.find((c) => c.name === row.channel);
  if (!channel) return { ok: false, status: null, error: `channel ${row.channel} is not in the configuration`, failure: 'refused' };
  const alert = outgoing(row);
  try {
    if (channel.type === 'webhook') return await sendWebhook(channel, alert, ctx.env, ctx.signal);
    if (channel.type === 'email') return await sendEmail(channel, alert, ctx.env);
    const entries = await ctx.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.channel, channel.name), isNull(alerts.digestId), or(eq(alerts.status, 'delivered'), eq(alerts.id, row.id))))
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(channel.maxEntries);
    writeFeedFile(feedPath(ctx.config.home, channel), renderFeed(channel, entries.map(outgoing), ctx.config.publicBaseUrl));
    return { ok: true, status: null };
  } catch (err) {
    return { ok: false, status: null, error: describeError(err), failure: 'transient' };
  }
}
