import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { lastGoodCaptureQuery, stateBeganAtCapture } from '../archive/lastGoodCapture.js';
import { queryRows, type Db, type Queryable } from '../db/open.js';
import { citations, events, flagSources, sources, sourceStates } from '../db/schema/index.js';
import { NotFoundError, UsageError } from '../errors.js';
import { normalizeUrl } from '../ingest/normalizeUrl.js';
import { checked, closeIfSettled, openFlagOf, recordReview, type ReviewInput, type ReviewOutcome } from './review.js';

/**
 * Decisions about one source on an event's open flag. Each settles that source's part of the flag;
 * the flag closes (resolved) when every source on it is settled.
 */

export type SourceDecisionOutcome = ReviewOutcome & { sourceId: number; flagClosed: boolean };

/**
 * The changed page still supports the claim: its newest content becomes the verified baseline
 * (sources.verified_capture_id), which later captures are compared with, and the source is ok again.
 */
export async function reverifySource(db: Db, eventId: string, sourceId: number, input: ReviewInput): Promise<SourceDecisionOutcome> {
  const { reviewer, note, at } = checked(input, 'reverify', eventId);
  return db.transaction(async (tx) => {
    const flag = await openFlagOf(tx, eventId, 'reverify');
    const { source, entryState } = await sourceOnFlag(tx, flag.id, sourceId, eventId);
    // Re-verified already for another event citing it: this event's claim is checked against the same baseline.
    const alreadyVerified = source.state === 'ok' && entryState === 'changed' && source.verifiedCaptureId !== null;
    if (source.state !== 'changed' && !alreadyVerified) {
      throw new UsageError(
        `${source.url} is ${source.state}, not changed: only a changed source can be re-verified (replace or dismiss it instead)`,
      );
    }
    const captureId = alreadyVerified ? source.verifiedCaptureId! : await newestContentCapture(tx, source);
    if (captureId === null) throw new UsageError(`${source.url} has no capture with content to verify`);
    if (!alreadyVerified) {
      await tx
        .update(sources)
        .set({ verifiedCaptureId: captureId, state: 'ok', stateReason: 're-verified', stateChangeId: null, stateSince: at })
        .where(eq(sources.id, source.id));
      // The state history says why the source is ok again; classification continues from here.
      await tx.insert(sourceStates).values({ sourceId, state: 'ok', reason: 're-verified', captureId, sinceCaptureId: captureId, at });
    }
    const previous = alreadyVerified ? null : source.verifiedCaptureId;
    const reviewId = await recordReview(
      tx,
      flag,
      'reverify',
      { ...input, reviewer, note, at },
      {
        sourceId,
        captureIds: previous ? [captureId, previous] : [captureId],
        details: { changeId: source.stateChangeId, previousVerifiedCaptureId: previous },
      },
    );
    const flagClosed = await closeIfSettled(tx, flag, at);
    return { eventId, flagId: flag.id, status: flagClosed ? 'resolved' : 'open', reviewId, at, sourceId, flagClosed };
  });
}

/**
 * The page is gone (or moved) and the event should cite another: the new URL (normalized) becomes a
 * source, new or existing, cited by the event in place of the old citation (kept, detached), and is
 * due for a check at once. The old source remembers what replaced it.
 */
export async function replaceSource(
  db: Db,
  eventId: string,
  sourceId: number,
  newUrl: string,
  input: ReviewInput,
): Promise<SourceDecisionOutcome & { newSourceId: number; url: string }> {
  const { reviewer, note, at } = checked(input, 'replace', eventId);
  const normalized = normalizeUrl(newUrl);
  if (!normalized.ok) throw new UsageError(`the new URL "${newUrl}" cannot be watched: ${normalized.reason}`);
  return db.transaction(async (tx) => {
    const flag = await openFlagOf(tx, eventId, 'replace');
    const { source } = await sourceOnFlag(tx, flag.id, sourceId, eventId);
    if (normalized.url === source.url) throw new UsageError(`the new URL is the one being replaced (${source.url})`);
    const [event] = await tx.select({ importance: events.importance }).from(events).where(eq(events.id, eventId));
    const priority = event?.importance ?? 0;
    await tx.insert(sources).values({ url: normalized.url, host: normalized.host, priority }).onConflictDoNothing();
    const [replacement] = await tx.select().from(sources).where(eq(sources.url, normalized.url));
    if (replacement.priority < priority) await tx.update(sources).set({ priority }).where(eq(sources.id, replacement.id));
    const [old] = await tx
      .update(citations)
      .set({ detachedAt: at })
      .where(and(eq(citations.eventId, eventId), eq(citations.sourceId, sourceId), isNull(citations.detachedAt)))
      .returning();
    await tx
      .insert(citations)
      .values({
        eventId,
        sourceId: replacement.id,
        originalUrl: newUrl.trim(),
        position: old?.position ?? 0,
        title: old?.title ?? null,
        outlet: old?.outlet ?? null,
        date: old?.date ?? null,
        tier: old?.tier ?? null,
        extra: { replaces: source.url },
        attachedAt: at,
      })
      .onConflictDoUpdate({ target: [citations.eventId, citations.sourceId], set: { detachedAt: null, attachedAt: at } });
    await tx.update(sources).set({ replacedBySourceId: replacement.id }).where(eq(sources.id, source.id));
    const lastGood = await newestContentCapture(tx, source);
    const reviewId = await recordReview(
      tx,
      flag,
      'replace',
      { ...input, reviewer, note, at },
      {
        sourceId,
        captureIds: lastGood === null ? [] : [lastGood],
        details: { url: replacement.url, replacementSourceId: replacement.id, replaced: source.url },
      },
    );
    const flagClosed = await closeIfSettled(tx, flag, at);
    return {
      eventId,
      flagId: flag.id,
      status: flagClosed ? 'resolved' : 'open',
      reviewId,
      at,
      sourceId,
      flagClosed,
      newSourceId: replacement.id,
      url: replacement.url,
    };
  });
}

async function sourceOnFlag(tx: Queryable, flagId: number, sourceId: number, eventId: string) {
  const [entry] = await tx
    .select({ source: sources, entryState: flagSources.state })
    .from(flagSources)
    .innerJoin(sources, eq(sources.id, flagSources.sourceId))
    .where(and(eq(flagSources.flagId, flagId), eq(flagSources.sourceId, sourceId)))
    .orderBy(desc(flagSources.id))
    .limit(1);
  if (!entry) throw new NotFoundError(`source ${sourceId} is not on the open flag of event ${eventId}`);
  return entry;
}

/**
 * The newest capture that showed the source's content: for a changed source the one holding the text
 * of the change behind its state; otherwise its last good capture (archive/lastGoodCapture.ts), from
 * before the current state began unless the page is fine (for a vanished page: not the soft-404 that followed).
 */
export async function newestContentCapture(tx: Queryable, source: typeof sources.$inferSelect): Promise<number | null> {
  return (await newestContentCaptures(tx, [source])).get(source.id) ?? null;
}

/** newestContentCapture for several sources in one query: source id → capture id (null: none). */
export async function newestContentCaptures(
  tx: Queryable,
  list: Pick<typeof sources.$inferSelect, 'id' | 'state' | 'stateChangeId'>[],
): Promise<Map<number, number | null>> {
  if (list.length === 0) return new Map();
  const given = sql.join(
    list.map((s) => sql`(${s.id}::int, ${s.state}::text, ${s.stateChangeId}::bigint)`),
    sql`, `,
  );
  const rows = await queryRows<{ sourceId: number; captureId: number | string | null }>(
    tx,
    sql`select s.id as "sourceId", coalesce(
          (select c.id from captures c join changes ch on ch.id = s.change_id
            where s.state = 'changed' and c.source_id = s.id
              and coalesce(c.rendered_snapshot_id, c.snapshot_id) = ch.to_snapshot_id
            order by c.started_at desc, c.id desc limit 1),
          (select good.id from (${lastGoodCaptureQuery(
            sql`s.id`,
            sql`case when s.state not in ('ok', 'changed') then ${stateBeganAtCapture(sql`s.id`)} end`,
          )}) good)) as "captureId"
        from (values ${given}) as s(id, state, change_id)`,
  );
  return new Map(rows.map((r) => [Number(r.sourceId), r.captureId === null ? null : Number(r.captureId)]));
}
