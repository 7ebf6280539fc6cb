import type { sources } from '../db/schema/index.js';
import type { NextCheckAfterMove } from '../states/stateStore.js';
import { outcomePolicy, parseRetryAfter, type Outcome } from './outcomePolicy.js';
import { nextRevisit, type RevisitConfig, type RevisitFacts } from './revisitPolicy.js';

/**
 * Where a moved state puts a source's next check. The crawl schedules each check from the state
 * before the capture; when settling the capture moves the state (a change seen, a vanish suspected,
 * a failure begun), the pass moves the next check with it, in the same statement that records the
 * state (recordState), so the confirming check of a suspected vanish comes within the hour rather
 * than a day later. From the row as the new state leaves it and the newest capture: nothing is read.
 */
export function nextCheckAfterMove(config: RevisitConfig & { maxRetryAfterMs: number }): NextCheckAfterMove {
  return (source, newest) =>
    source.checkedAt
      ? nextRevisit(revisitFacts({ ...source, checkedAt: source.checkedAt }, newest, config.maxRetryAfterMs), config).at
      : undefined;
}

export type ScheduledSource = Pick<
  typeof sources.$inferSelect,
  'id' | 'state' | 'stateReason' | 'stateSince' | 'consecutiveFailures' | 'priority'
> & { checkedAt: Date };
export type LastAttempt = {
  outcome: string;
  httpStatus?: number | null;
  errorKind?: string | null;
  headers?: Record<string, string> | null;
};

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
