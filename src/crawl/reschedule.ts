import { desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
import { captures, sources } from '../db/schema/index.js';
import { outcomePolicy, parseRetryAfter, type Outcome } from './outcomePolicy.js';
import { nextRevisit, type Revisit, type RevisitConfig, type RevisitFacts } from './revisitPolicy.js';

/**
 * Moves a source's next check to what its new state calls for. The crawl schedules each check from
 * the state before the capture; when settling the capture moves the state (a change seen, a vanish
 * suspected, a failure begun), the pass calls this in the same transaction, so the confirming check of
 * a suspected vanish comes within the hour rather than a day later. Answers the new schedule.
 */
export async function rescheduleSource(
  db: Queryable,
  config: RevisitConfig & { maxRetryAfterMs: number },
  sourceId: number,
): Promise<Revisit | null> {
  const [source] = await db.select().from(sources).where(eq(sources.id, sourceId));
  const [newest] = await db
    .select({ outcome: captures.outcome, httpStatus: captures.httpStatus, errorKind: captures.errorKind, headers: captures.headers })
    .from(captures)
    .where(eq(captures.sourceId, sourceId))
    .orderBy(desc(captures.startedAt), desc(captures.id))
    .limit(1);
  if (!source?.checkedAt || !newest) return null;
  const revisit = nextRevisit(revisitFacts({ ...source, checkedAt: source.checkedAt }, newest, config.maxRetryAfterMs), config);
  await db.update(sources).set({ nextCheckAt: revisit.at }).where(eq(sources.id, sourceId));
  return revisit;
}

export type ScheduledSource = Pick<
  typeof sources.$inferSelect,
  'id' | 'state' | 'stateReason' | 'stateSince' | 'consecutiveFailures' | 'priority'
> & { checkedAt: Date };
export type LastAttempt = { outcome: string; httpStatus: number | null; errorKind: string | null; headers: Record<string, string> | null };

/** The policy's facts from a source's row and its newest capture. Pure. */
export function revisitFacts(source: ScheduledSource, newest: LastAttempt, maxRetryAfterMs: number): RevisitFacts {
  const retryAfterMs =
    newest.httpStatus === 429 || newest.httpStatus === 503
      ? parseRetryAfter(newest.headers?.['retry-after'], source.checkedAt, maxRetryAfterMs)
      : null;
  return {
    sourceId: source.id,
    checkedAt: source.checkedAt,
    state: source.state,
    reason: source.stateReason,
    stateSince: source.stateSince,
    consecutiveFailures: source.consecutiveFailures,
    priority: source.priority,
    attempt: outcomePolicy(newest.outcome as Outcome, newest),
    notBefore: retryAfterMs !== null ? new Date(source.checkedAt.getTime() + retryAfterMs) : null,
  };
}
