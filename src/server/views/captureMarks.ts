import type { Config } from '../../config/loadConfig.js';
import type { CaptureMarkInput } from '../review/eventQueries.js';

/** How a capture shows in a source's compact history, and what an unreachable or blocked source waits for. Pure. */

export type Mark = 'ok' | 'changed' | 'vanished' | 'failed';

const FETCHED = new Set(['fetched', 'not-modified']);

/**
 * One mark per capture, oldest first: the state recorded at it when it moved the source, otherwise
 * the state it held (a page that stayed changed stays marked changed), and a failed fetch that moved
 * nothing is a failure of its own.
 */
export function captureMarks(history: CaptureMarkInput[]): Mark[] {
  let held: string = 'ok';
  return history.map((c) => {
    if (c.state) held = c.state;
    const state = c.state ?? (FETCHED.has(c.outcome) || held === 'vanished' ? held : 'failed');
    if (state === 'ok' || state === 'changed' || state === 'vanished') return state;
    return 'failed';
  });
}

export type WaitFacts = {
  state: string;
  consecutiveFailures: number;
  stateSince: Date | null;
  nextCheckAt: Date | null;
};

/** For an unreachable or blocked source: the streak so far and when it is confirmed or retried. */
export function waitNote(facts: WaitFacts, config: Pick<Config, 'unreachableAfterChecks' | 'unreachableAfterMs'>): string | null {
  const next = facts.nextCheckAt ? `next check ${iso(facts.nextCheckAt)}` : 'next check in the next pass';
  const streak = `${facts.consecutiveFailures} failed check${facts.consecutiveFailures === 1 ? '' : 's'} in a row`;
  if (facts.state === 'unreachable') {
    const checksLeft = Math.max(0, config.unreachableAfterChecks - facts.consecutiveFailures);
    const confirmAt = facts.stateSince ? new Date(facts.stateSince.getTime() + config.unreachableAfterMs) : null;
    const rule = `counted as vanished after ${config.unreachableAfterChecks} failed checks spanning ${Math.round(config.unreachableAfterMs / 3_600_000)} h`;
    const left = `${checksLeft} more check${checksLeft === 1 ? '' : 's'}${confirmAt ? `, not before ${iso(confirmAt)}` : ''}`;
    return `${streak}; ${rule} (${left}); ${next}`;
  }
  if (facts.state === 'blocked') return `blocked since ${facts.stateSince ? iso(facts.stateSince) : 'its last check'}; retried: ${next}`;
  return null;
}

function iso(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
