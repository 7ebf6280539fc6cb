import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { events, flags, reviews } from '../db/schema/index.js';
import { NotFoundError, UsageError } from '../errors.js';

export type ReviewInput = { reviewer: string; note: string };
export type ReviewOutcome = { eventId: string; flagId: number; status: 'resolved' | 'dismissed'; reviewId: number; at: Date };

/** An editor fixed the event (or its citations) after the flagged change: the flag closes. */
export function resolveFlag(db: Db, eventId: string, input: ReviewInput): Promise<ReviewOutcome> {
  return closeFlag(db, eventId, 'resolve', input);
}

/** An editor judged the flagged change harmless: the flag closes, and only a new change re-opens one. */
export function dismissFlag(db: Db, eventId: string, input: ReviewInput): Promise<ReviewOutcome> {
  return closeFlag(db, eventId, 'dismiss', input);
}

async function closeFlag(db: Db, eventId: string, action: 'resolve' | 'dismiss', input: ReviewInput): Promise<ReviewOutcome> {
  const reviewer = input.reviewer.trim();
  const note = input.note.trim();
  if (!reviewer) throw new UsageError(`a reviewer name is needed to ${action} the flag of event ${eventId}`);
  if (!note) throw new UsageError(`a note saying why is needed to ${action} the flag of event ${eventId} (--note "...")`);
  const status = action === 'resolve' ? 'resolved' : 'dismissed';
  return db.transaction(async (tx) => {
    const at = new Date();
    const [closed] = await tx
      .update(flags)
      .set({ status, closedAt: at })
      .where(and(eq(flags.eventId, eventId), eq(flags.status, 'open')))
      .returning({ id: flags.id });
    if (!closed) {
      const [event] = await tx.select({ id: events.id }).from(events).where(eq(events.id, eventId));
      throw new NotFoundError(event ? `event ${eventId} has no open flag to ${action}` : `event ${eventId} does not exist`);
    }
    const [review] = await tx.insert(reviews).values({ flagId: closed.id, action, reviewer, note, at }).returning({ id: reviews.id });
    return { eventId, flagId: closed.id, status, reviewId: review.id, at };
  });
}
