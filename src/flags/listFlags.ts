import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { events, flags, flagSources, reviews, sources } from '../db/schema/index.js';

export type FlagView = {
  flagId: number;
  eventId: string;
  title: string;
  importance: number | null;
  /** The flag's status: open, resolved or dismissed. */
  state: string;
  openedAt: Date;
  closedAt: Date | null;
  /** "changed: number", "vanished: http-404": what raised the flag, once each. */
  reasons: string[];
  sources: {
    sourceId: number;
    url: string;
    state: string;
    reason: string | null;
    changeId: number | null;
    touchesClaim: { touches: boolean; terms: string[] } | null;
    /** The source's state now, which may have moved since it raised the flag. */
    currentState: string;
  }[];
  review: { action: string; reviewer: string; note: string | null; at: Date } | null;
};

/** Open flags (or all with `all`), most important events first. */
export async function listFlags(db: Db, options: { all?: boolean } = {}): Promise<FlagView[]> {
  const rows = await db
    .select({ flag: flags, title: events.title, importance: events.importance })
    .from(flags)
    .innerJoin(events, eq(events.id, flags.eventId))
    .where(options.all ? undefined : eq(flags.status, 'open'))
    .orderBy(sql`${flags.status} = 'open' desc`, sql`${events.importance} desc nulls last`, asc(flags.openedAt), asc(flags.id));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.flag.id);
  const entries = await db
    .select({ entry: flagSources, url: sources.url, currentState: sources.state })
    .from(flagSources)
    .innerJoin(sources, eq(sources.id, flagSources.sourceId))
    .where(inArray(flagSources.flagId, ids))
    .orderBy(asc(flagSources.id));
  const decisions = await db.select().from(reviews).where(inArray(reviews.flagId, ids)).orderBy(desc(reviews.id));
  return rows.map(({ flag, title, importance }) => {
    const mine = entries.filter((e) => e.entry.flagId === flag.id);
    const review = decisions.find((d) => d.flagId === flag.id);
    return {
      flagId: flag.id,
      eventId: flag.eventId,
      title,
      importance,
      state: flag.status,
      openedAt: flag.openedAt,
      closedAt: flag.closedAt,
      reasons: [...new Set(mine.map((e) => `${e.entry.state}: ${e.entry.reason ?? ''}`.trim()))],
      sources: mine.map(({ entry, url, currentState }) => ({
        sourceId: entry.sourceId,
        url,
        state: entry.state,
        reason: entry.reason,
        changeId: entry.changeId,
        touchesClaim: entry.touchesClaim ?? null,
        currentState,
      })),
      review: review ? { action: review.action, reviewer: review.reviewer, note: review.note, at: review.at } : null,
    };
  });
}
