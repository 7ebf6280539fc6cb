import type { ChannelConfig } from './channelSettings.js';

/** What a channel's filters look at: the flagged event and the source episode that raised the alert. */
export type AlertFacts = {
  importance: number | null;
  tags: string[];
  state: 'changed' | 'vanished';
  reason: string | null;
  /** Whether the change touches the event's claim; null when there is no change (a vanished page). */
  touchesClaim: boolean | null;
};

/**
 * Whether a channel takes an alert: every condition its filters give must hold. An event without an
 * importance never passes a minimum; a vanished page counts as touching the claim (all of it is gone).
 */
export function acceptsAlert(filters: ChannelConfig['filters'], facts: AlertFacts): boolean {
  if (filters.minImportance !== undefined && (facts.importance ?? -1) < filters.minImportance) return false;
  if (filters.states && !filters.states.includes(facts.state)) return false;
  if (filters.reasons && (facts.reason === null || !filters.reasons.includes(facts.reason))) return false;
  if (filters.tags && !filters.tags.some((t) => facts.tags.includes(t))) return false;
  if (filters.claimTouchingOnly && facts.state === 'changed' && facts.touchesClaim !== true) return false;
  return true;
}
