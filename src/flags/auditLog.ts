import { desc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { flags, reviews, sources } from '../db/schema/index.js';

/** The audit log read back: every decision on a flag, newest first (the web app's and `citewatch reviews`). */

export type AuditEntry = {
  id: number;
  at: Date;
  eventId: string | null;
  flagId: number;
  action: string;
  reviewer: string;
  userId: number | null;
  note: string | null;
  sourceId: number | null;
  sourceUrl: string | null;
  captureIds: number[];
  details: Record<string, unknown>;
};

export async function listReviews(db: Db, options: { eventId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const ofEvent = options.eventId
    ? or(
        eq(reviews.eventId, options.eventId),
        inArray(reviews.flagId, db.select({ id: flags.id }).from(flags).where(eq(flags.eventId, options.eventId))),
      )
    : undefined;
  const query = db
    .select({ review: reviews, sourceUrl: sources.url, flagEvent: flags.eventId })
    .from(reviews)
    .leftJoin(sources, eq(sources.id, reviews.sourceId))
    .innerJoin(flags, eq(flags.id, reviews.flagId))
    .where(ofEvent)
    .orderBy(desc(reviews.at), desc(reviews.id));
  const rows = options.limit === undefined ? await query : await query.limit(options.limit);
  return rows.map(({ review: r, sourceUrl, flagEvent }) => ({
    id: r.id,
    at: r.at,
    // Decisions recorded before the audit log named the event carry it through their flag.
    eventId: r.eventId ?? flagEvent,
    flagId: r.flagId,
    action: r.action,
    reviewer: r.reviewer,
    userId: r.userId,
    note: r.note,
    sourceId: r.sourceId,
    sourceUrl,
    captureIds: r.captureIds,
    details: r.details,
  }));
}
