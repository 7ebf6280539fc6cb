import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
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
  let written = 0;
  for (const outcome of outcomes) {
    const facts = await loadFlagFacts(tx, source, state, outcome);
    if (!facts) continue;
    const filterFacts = {
      importance: facts.event.importance,
      tags: facts.event.tags,
      state,
      reason: facts.source.reason,
      touchesClaim: facts.source.touchesClaim?.touches ?? null,
    };
    const accepting = channels.filter((c) => acceptsAlert(c.filters, filterFacts));
    if (accepting.length === 0) continue;
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

/** Everything an alert about one flag episode says, read in the flag's transaction. */
async function loadFlagFacts(
  tx: Queryable,
  source: SourceStateFacts,
  state: 'changed' | 'vanished',
  outcome: FlagOutcome,
): Promise<FlagFacts | null> {
  const [event] = await tx
    .select({ id: events.id, title: events.title, date: events.date, importance: events.importance, tags: events.tags })
    .from(events)
    .where(eq(events.id, outcome.eventId));
  const [entry] = await tx
    .select({ reason: flagSources.reason, touchesClaim: flagSources.touchesClaim, url: sources.url })
    .from(flagSources)
    .innerJoin(sources, eq(sources.id, flagSources.sourceId))
    .where(
      and(
        eq(flagSources.flagId, outcome.flagId),
        eq(flagSources.sourceId, source.sourceId),
        eq(flagSources.state, state),
        source.changeId !== null ? eq(flagSources.changeId, source.changeId) : isNull(flagSources.changeId),
        source.sinceCaptureId !== null ? eq(flagSources.sinceCaptureId, source.sinceCaptureId) : undefined,
      ),
    );
  if (!event || !entry) return null;
  const [change] =
    source.changeId !== null
      ? await tx
          .select({ summary: changes.summary, removed: changes.removed, added: changes.added, from: changes.fromSnapshotId })
          .from(changes)
          .where(eq(changes.id, source.changeId))
      : [];
  const [citation] = await tx
    .select({ archiveUrl: citations.archiveUrl })
    .from(citations)
    .where(and(eq(citations.eventId, event.id), eq(citations.sourceId, source.sourceId)));
  const goodBefore: SQL | undefined = change
    ? or(eq(captures.snapshotId, change.from), eq(captures.renderedSnapshotId, change.from))
    : source.sinceCaptureId !== null
      ? and(lt(captures.id, source.sinceCaptureId), eq(captures.outcome, 'fetched'), lt(captures.httpStatus, 400))
      : undefined;
  const [lastGood] = goodBefore
    ? await tx
        .select({ id: captures.id, at: captures.startedAt })
        .from(captures)
        .where(and(eq(captures.sourceId, source.sourceId), goodBefore))
        .orderBy(desc(captures.id))
        .limit(1)
    : [];
  return {
    flagId: outcome.flagId,
    action: outcome.action,
    at: new Date(),
    event: { ...event, tags: event.tags ?? [] },
    source: {
      url: entry.url,
      state,
      reason: entry.reason,
      touchesClaim: entry.touchesClaim,
      change: change ? { summary: change.summary, removed: change.removed, added: change.added } : null,
      lastGoodCapture: lastGood ?? null,
      archiveUrl: citation?.archiveUrl ?? null,
    },
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
