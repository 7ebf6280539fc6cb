import type { Config } from '../config/loadConfig.js';
import type { SourceState } from '../db/schema/domain.js';
import { baseReason } from '../states/classifySource.js';

export type RevisitConfig = Pick<
  Config,
  | 'revisitMinIntervalMs'
  | 'revisitMaxIntervalMs'
  | 'revisitBackoffRatio'
  | 'revisitConfirmMs'
  | 'revisitJitterRatio'
  | 'revisitImportantFrom'
>;

/** Everything the next check of a source depends on, as plain data. */
export type RevisitFacts = {
  sourceId: number;
  /** When the check that schedules the next one was made. */
  checkedAt: Date;
  state: SourceState;
  reason: string | null;
  /** Since when the source has been in its state: for ok and changed, how long its content has stayed as it is. */
  stateSince: Date | null;
  /** Failed checks in a row, the one just made included. */
  consecutiveFailures: number;
  /** The highest importance of the events citing it. */
  priority: number;
  /** What the attempt just made means for scheduling (outcomePolicy): a failure to back off from, or nothing settled. */
  attempt: { backoff: boolean; soon: boolean };
  /** The host asked not to be asked again before this (Retry-After). */
  notBefore?: Date | null;
};

/**
 * Why a source is due when it is:
 * - confirm: the classifier holds a suspected vanish awaiting its confirming check;
 * - inconclusive: the last attempt settled nothing about the page (citewatch's own browser failed);
 * - failing: transient failures in a row, retried soon and then less soon;
 * - important: cited by an important event, so never left longer than the regular wait;
 * - new, just-changed, recent: a source new to its state waits the regular interval;
 * - backing-off: unchanged for a while, it waits a share of that while;
 * - ceiling: unchanged for long, it waits the longest interval;
 * - retry-after: the host's Retry-After is later than any of the above.
 */
export type RevisitWhy =
  | 'confirm'
  | 'inconclusive'
  | 'failing'
  | 'important'
  | 'new'
  | 'just-changed'
  | 'recent'
  | 'backing-off'
  | 'ceiling'
  | 'retry-after';

export type Revisit = { at: Date; why: RevisitWhy };

/** The classifier notes evidence awaiting confirmation in the reason ("…; unconfirmed http-404 (1/2)"). */
export function awaitsConfirmation(reason: string | null): boolean {
  return reason !== null && baseReason(reason) !== reason;
}

/**
 * When a source is next checked, and why. Pure: the crawl and the settling of states ask, this answers.
 * A quiet source waits `revisitBackoffRatio` × the time it has been unchanged, between the regular
 * and the longest interval, so its checks thin out geometrically; evidence that needs confirming is
 * checked again within `revisitConfirmMs`. Every wait is scaled by the source's own jitter factor.
 */
export function nextRevisit(facts: RevisitFacts, config: RevisitConfig): Revisit {
  const { interval, why } = baseInterval(facts, config);
  const at = new Date(facts.checkedAt.getTime() + Math.round(interval * jitterFactor(facts.sourceId, config.revisitJitterRatio)));
  if (facts.notBefore && facts.notBefore > at) return { at: facts.notBefore, why: 'retry-after' };
  return { at, why };
}

function baseInterval(facts: RevisitFacts, config: RevisitConfig): { interval: number; why: RevisitWhy } {
  const min = config.revisitMinIntervalMs;
  const max = Math.max(config.revisitMaxIntervalMs, min);
  if (awaitsConfirmation(facts.reason)) return { interval: Math.min(config.revisitConfirmMs, min), why: 'confirm' };
  if (facts.attempt.soon) return { interval: Math.min(config.revisitConfirmMs, min), why: 'inconclusive' };
  // A page confirmed gone is not retried like a blip: it backs off as quiet sources do.
  if (facts.attempt.backoff && facts.consecutiveFailures > 0 && facts.state !== 'vanished') {
    const doubled = config.revisitConfirmMs * 2 ** Math.min(facts.consecutiveFailures - 1, 30);
    return { interval: Math.min(doubled, min), why: 'failing' };
  }
  if (facts.priority >= config.revisitImportantFrom) return { interval: min, why: 'important' };
  if (facts.state === 'pending' || facts.stateSince === null) return { interval: min, why: 'new' };
  const quietMs = Math.max(0, facts.checkedAt.getTime() - facts.stateSince.getTime());
  const share = quietMs * config.revisitBackoffRatio;
  if (share <= min) return { interval: min, why: facts.state === 'changed' ? 'just-changed' : 'recent' };
  if (share >= max) return { interval: max, why: 'ceiling' };
  return { interval: share, why: 'backing-off' };
}

/**
 * A factor in [1 - ratio, 1 + ratio], fixed per source: a hash of its id (lowbias32), so the sources a
 * host gained in one ingest fall due spread out rather than in the same minute, and stay spread.
 */
export function jitterFactor(sourceId: number, ratio: number): number {
  let h = sourceId >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  const unit = (h >>> 0) / 4294967296;
  return 1 + ratio * (2 * unit - 1);
}
