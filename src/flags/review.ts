import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../db/open.js';
import { events, flags, flagSources, reviews } from '../db/schema/index.js';
import { NotFoundError, UsageError } from '../errors.js';

/**
 * Editors' decisions on flags, each written to `reviews`, the audit log (who, when, what, the note,
 * the captures it refers to). The CLI (`flags resolve/dismiss`) and the web app both come here.
 * Decisions about one source (re-verify, replace) are in sourceDecisions.ts.
 */

export type ReviewAction = 'resolve' | 'dismiss' | 'reverify' | 'replace' | 'snooze' | 'reopen';
export type ReviewInput = { reviewer: string; note: string; userId?: number | null; at?: Date };
export type ReviewOutcome = { eventId: string; flagId: number; status: 'open' | 'resolved' | 'dismissed'; reviewId: number; at: Date };

type FlagRow = typeof flags.$inferSelect;

/** An editor fixed the event (or its citations) after the flagged change: the flag closes. */
export function resolveFlag(db: Db, eventId: string, input: ReviewInput): Promise<ReviewOutcome> {
  return closeFlag(db, eventId, 'resolve', input);
}

/** An editor judged the flagged change harmless: the flag closes, and only a new change re-opens one. */
export function dismissFlag(db: Db, eventId: string, input: ReviewInput): Promise<ReviewOutcome> {
  return closeFlag(db, eventId, 'dismiss', input);
}

/** Puts an open flag out of the queue until `until`; it stays open, and comes back by itself. */
export async function snoozeFlag(db: Db, eventId: string, until: Date, input: ReviewInput): Promise<ReviewOutcome> {
  const { reviewer, note, at } = checked(input, 'snooze', eventId);
  if (!(until.getTime() > at.getTime())) throw new UsageError(`snooze the flag of event ${eventId} until a later time than now`);
  return db.transaction(async (tx) => {
    const flag = await openFlagOf(tx, eventId, 'snooze');
    await tx.update(flags).set({ snoozedUntil: until }).where(eq(flags.id, flag.id));
    const reviewId = await recordReview(tx, flag, 'snooze', { ...input, reviewer, note, at }, { details: { until: until.toISOString() } });
    return { eventId, flagId: flag.id, status: 'open', reviewId, at };
  });
}

/** Puts the event's latest flag back in the queue: a closed one opens again, a snoozed one wakes. */
export async function reopenFlag(db: Db, eventId: string, input: ReviewInput): Promise<ReviewOutcome> {
  const { reviewer, note, at } = checked(input, 'reopen', eventId);
  return db.transaction(async (tx) => {
    const [flag] = await tx.select().from(flags).where(eq(flags.eventId, eventId)).orderBy(desc(flags.id)).limit(1);
    if (!flag) throw await missing(tx, eventId, 'reopen', 'has no flag to');
    if (flag.status === 'open' && !flag.snoozedUntil) throw new UsageError(`the flag of event ${eventId} is open already`);
    if (flag.status !== 'open') {
      // At most one open flag per event: a newer change may have opened one since.
      const [other] = await tx
        .select({ id: flags.id })
        .from(flags)
        .where(and(eq(flags.eventId, eventId), eq(flags.status, 'open')));
      if (other) throw new UsageError(`event ${eventId} has another open flag already`);
    }
    await tx.update(flags).set({ status: 'open', closedAt: null, snoozedUntil: null }).where(eq(flags.id, flag.id));
    const reviewId = await recordReview(tx, flag, 'reopen', { ...input, reviewer, note, at }, { details: { was: flag.status } });
    return { eventId, flagId: flag.id, status: 'open', reviewId, at };
  });
}

async function closeFlag(db: Db, eventId: string, action: 'resolve' | 'dismiss', input: ReviewInput): Promise<ReviewOutcome> {
  const { reviewer, note, at } = checked(input, action, eventId);
  const status = action === 'resolve' ? 'resolved' : 'dismissed';
  return db.transaction(async (tx) => {
    const flag = await openFlagOf(tx, eventId, action);
    await tx.update(flags).set({ status, closedAt: at, snoozedUntil: null }).where(eq(flags.id, flag.id));
    const reviewId = await recordReview(tx, flag, action, { ...input, reviewer, note, at }, {});
    return { eventId, flagId: flag.id, status, reviewId, at };
  });
}

/** The trimmed reviewer and note, and the time: both are required for every decision. */
export function checked(input: ReviewInput, action: ReviewAction, eventId: string): { reviewer: string; note: string; at: Date } {
  const reviewer = input.reviewer.trim();
  const note = input.note.trim();
  if (!reviewer) throw new UsageError(`a reviewer name is needed to ${action} the flag of event ${eventId}`);
  if (!note) throw new UsageError(`a note saying why is needed to ${action} the flag of event ${eventId} (--note "...")`);
  return { reviewer, note, at: input.at ?? new Date() };
}

export async function openFlagOf(tx: Queryable, eventId: string, action: ReviewAction): Promise<FlagRow> {
  const [flag] = await tx
    .select()
    .from(flags)
    .where(and(eq(flags.eventId, eventId), eq(flags.status, 'open')))
    .for('update');
  if (!flag) throw await missing(tx, eventId, action, 'has no open flag to');
  return flag;
}

async function missing(tx: Queryable, eventId: string, action: ReviewAction, what: string): Promise<NotFoundError> {
  const [event] = await tx.select({ id: events.id }).from(events).where(eq(events.id, eventId));
  return new NotFoundError(event ? `event ${eventId} ${what} ${action}` : `event ${eventId} does not exist`);
}

/**
 * Writes one line of the audit log. Unless told which captures the decision refers to, it refers to
 * the newest capture of each source on the flag: what the editor had in front of them.
 */
export async function recordReview(
  tx: Queryable,
  flag: FlagRow,
  action: ReviewAction,
  input: { reviewer: string; note: string; userId?: number | null; at: Date },
  extra: { sourceId?: number; captureIds?: number[]; details?: Record<string, unknown> },
): Promise<number> {
  const captureIds = extra.captureIds ?? (await newestCapturesOfFlag(tx, flag.id));
  const [row] = await tx
    .insert(reviews)
    .values({
      flagId: flag.id,
      eventId: flag.eventId,
      action,
      reviewer: input.reviewer,
      userId: input.userId ?? null,
      note: input.note,
      at: input.at,
      sourceId: extra.sourceId ?? null,
      captureIds,
      details: extra.details ?? {},
    })
    .returning({ id: reviews.id });
  return row.id;
}

async function newestCapturesOfFlag(tx: Queryable, flagId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    tx as Db,
    sql`select distinct on (c.source_id) c.id from captures c
        where c.source_id in (select source_id from flag_sources where flag_id = ${flagId})
        order by c.source_id, c.started_at desc, c.id desc`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Closes the flag (resolved) once every source on it has had its own decision (re-verified or
 * replaced) since it was last added to the flag. Answers whether it closed.
 */
export async function closeIfSettled(tx: Queryable, flag: FlagRow, at: Date): Promise<boolean> {
  const entries = await tx
    .select({ sourceId: flagSources.sourceId, addedAt: sql<Date>`max(${flagSources.addedAt})`.mapWith(flagSources.addedAt) })
    .from(flagSources)
    .where(eq(flagSources.flagId, flag.id))
    .groupBy(flagSources.sourceId);
  const decided = await tx
    .select({ sourceId: reviews.sourceId, at: reviews.at })
    .from(reviews)
    .where(and(eq(reviews.flagId, flag.id), isNotNull(reviews.sourceId), inArray(reviews.action, ['reverify', 'replace'])));
  const settled = entries.every((e) => decided.some((d) => d.sourceId === e.sourceId && d.at.getTime() >= e.addedAt.getTime()));
  if (!settled) return false;
  await tx.update(flags).set({ status: 'resolved', closedAt: at, snoozedUntil: null }).where(eq(flags.id, flag.id));
  return true;
}
