import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { lastGoodCaptureQuery } from '../archive/lastGoodCapture.js';
import { type Queryable, queryRows } from '../db/open.js';
import { alerts, captures, changes, citations, events, flagSources, sources } from '../db/schema/index.js';
import type { FlagOutcome } from '../flags/applyFlagPlans.js';
import type { SourceStateFacts } from '../flags/planFlags.js';
import type { ChannelConfig } from './channelSettings.js';
import { acceptsAlert } from './filters.js';
import { flagAlertKey, testAlertKey } from './keys.js';
import { buildFlagPayload, buildTestPayload, type FlagFacts } from './payload.js';

/** The settings that decide which alerts are written and what their links say. */
export type AlertSettings = { channels?: ChannelConfig[]; publicBaseUrl?: string };

/**
 * Writes the outbox rows for flags just opened or added to, in the caller's transaction (the one
 * that raised the flags): one per channel whose filters take it, pending for immediate channels,
 * held for digest ones. The key names the episode, so writing it twice changes nothing.
 */
export async function writeFlagAlerts(
  tx: Queryable,
  settings: AlertSettings,
  source: SourceStateFacts,
  outcomes: FlagOutcome[],
): Promise<number> {
  const channels = settings.channels ?? [];
  if (channels.length === 0 || outcomes.length === 0) return 0;
  if (source.state !== 'changed' && source.state !== 'vanished') return 0;
  const state = source.state;
  // What the source's change says is the same for every flag it raised: read once, and only if a channel wants one.
  let sourceFacts: SourceFacts | undefined;
  let written = 0;
  for (const outcome of outcomes) {
    const entry = await loadEntryFacts(tx, source, state, outcome);
    if (!entry) continue;
    const { event } = entry;
    const filterFacts = {
      importance: event.importance,
      tags: event.tags,
      state,
      reason: entry.reason,
      touchesClaim: entry.touchesClaim?.touches ?? null,
    };
    const accepting = channels.filter((c) => acceptsAlert(c.filters, filterFacts));
    if (accepting.length === 0) continue;
    sourceFacts ??= await loadSourceFacts(tx, source);
    const facts: FlagFacts = {
      flagId: outcome.flagId,
      action: outcome.action,
      at: new Date(),
      event,
      source: {
        url: entry.url,
        state,
        reason: entry.reason,
        touchesClaim: entry.touchesClaim,
        ...sourceFacts,
        archiveUrl: entry.archiveUrl,
      },
    };
    const payload = buildFlagPayload(facts, settings.publicBaseUrl);
    const idempotencyKey = flagAlertKey({ ...source, flagId: outcome.flagId });
    const rows = await tx
      .insert(alerts)
      .values(
        accepting.map((c) => ({
          channel: c.name,
          kind: 'flag',
          flagId: outcome.flagId,
          eventId: outcome.eventId,
          idempotencyKey,
          payload,
          status: c.delivery === 'immediate' ? 'pending' : 'held',
        })),
      )
      .onConflictDoNothing()
      .returning({ id: alerts.id });
    written += rows.length;
  }
  return written;
}

type SourceFacts = Pick<FlagFacts['source'], 'change' | 'lastGoodCapture'>;

/** What one flag episode says of its event and of the source's entry in it (with the event's archived copy). */
async function loadEntryFacts(tx: Queryable, source: SourceStateFacts, state: 'changed' | 'vanished', outcome: FlagOutcome) {
  const [event] = await tx
    .select({ id: events.id, title: events.title, date: events.date, importance: events.importance, tags: events.tags })
    .from(events)
    .where(eq(events.id, outcome.eventId));
  if (!event) return null;
  const [entry] = await tx
    .select({ reason: flagSources.reason, touchesClaim: flagSources.touchesClaim, url: sources.url, archiveUrl: citations.archiveUrl })
    .from(flagSources)
    .innerJoin(sources, eq(sources.id, flagSources.sourceId))
    .leftJoin(citations, and(eq(citations.eventId, event.id), eq(citations.sourceId, flagSources.sourceId)))
    .where(
      and(
        eq(flagSources.flagId, outcome.flagId),
        eq(flagSources.sourceId, source.sourceId),
        eq(flagSources.state, state),
        source.changeId !== null ? eq(flagSources.changeId, source.changeId) : isNull(flagSources.changeId),
        source.sinceCaptureId !== null ? eq(flagSources.sinceCaptureId, source.sinceCaptureId) : undefined,
      ),
    );
  return entry ? { ...entry, event: { ...event, tags: event.tags ?? [] } } : null;
}

/** The source's change (if any) and its last good capture before it: the same for every flag the source raised. */
async function loadSourceFacts(tx: Queryable, source: SourceStateFacts): Promise<SourceFacts> {
  const [change] =
    source.changeId !== null
      ? await tx
          .select({ summary: changes.summary, removed: changes.removed, added: changes.added, from: changes.fromSnapshotId })
          .from(changes)
          .where(eq(changes.id, source.changeId))
      : [];
  // A change's last good capture is the one that held the text it changed from; otherwise the last
  // good capture before the trouble began (archive/lastGoodCapture.ts, as `sources` and the API show it).
  const [lastGood] = change
    ? await tx
        .select({ id: captures.id, at: captures.startedAt })
        .from(captures)
        .where(
          and(
            eq(captures.sourceId, source.sourceId),
            or(eq(captures.snapshotId, change.from), eq(captures.renderedSnapshotId, change.from)),
          ),
        )
        .orderBy(desc(captures.id))
        .limit(1)
    : source.sinceCaptureId !== null
      ? await queryRows<{ id: number | string; at: Date | string }>(
          tx,
          sql`select good.id, good.started_at as at from (${lastGoodCaptureQuery(sql`${source.sourceId}::int`, sql`${source.sinceCaptureId}::bigint`)}) good`,
        )
      : [];
  return {
    change: change ? { summary: change.summary, removed: change.removed, added: change.added } : null,
    lastGoodCapture: lastGood ? { id: Number(lastGood.id), at: new Date(lastGood.at) } : null,
  };
}

/** A test message for one channel (`citewatch alerts test`), pending so the notify job retries it if this attempt fails. */
export async function writeTestAlert(db: Queryable, channel: string, at: Date): Promise<number> {
  const [row] = await db
    .insert(alerts)
    .values({
      channel,
      kind: 'test',
      idempotencyKey: testAlertKey(at),
      payload: buildTestPayload(channel, at),
      status: 'pending',
      nextAttemptAt: at,
    })
    .returning({ id: alerts.id });
  return row.id;
}
