import type { SourceState } from '../db/schema/domain.js';

/**
 * Decides what one event's flags need after its sources' states moved. A flag stands for episodes: a
 * source's change (by change id) or its vanishing (by the capture it is vanished since). An episode
 * already on a flag, open or closed, never raises anything again; re-checks of the same state are no-ops.
 */
export type FlagWorthyState = 'changed' | 'vanished';

export type SourceStateFacts = {
  sourceId: number;
  state: SourceState;
  reason: string | null;
  changeId: number | null;
  sinceCaptureId: number | null;
};

/** One source on a flag, in the state that raised it. */
export type FlagEntry = { sourceId: number; state: SourceState; changeId: number | null; sinceCaptureId: number | null };

export type FlagPlan =
  | { action: 'none' }
  | { action: 'open'; entries: SourceStateFacts[] }
  | { action: 'add'; flagId: number; entries: SourceStateFacts[] };

export type PlanInput = {
  sources: SourceStateFacts[];
  openFlag: { id: number; entries: FlagEntry[] } | null;
  /** Entries of the event's resolved and dismissed flags. */
  closedEntries: FlagEntry[];
};

export function isFlagWorthy(state: string): state is FlagWorthyState {
  return state === 'changed' || state === 'vanished';
}

/** The episode a state belongs to: a change is its id, a vanishing the capture it started at. */
export function episodeKey(e: FlagEntry): string {
  return e.state === 'changed' ? `${e.sourceId}:changed:${e.changeId}` : `${e.sourceId}:${e.state}:${e.sinceCaptureId}`;
}

export function planFlags({ sources, openFlag, closedEntries }: PlanInput): FlagPlan {
  const known = new Set([...(openFlag?.entries ?? []), ...closedEntries].map(episodeKey));
  const fresh: SourceStateFacts[] = [];
  for (const s of sources) {
    if (!isFlagWorthy(s.state) || known.has(episodeKey(s))) continue;
    known.add(episodeKey(s));
    fresh.push(s);
  }
  if (fresh.length === 0) return { action: 'none' };
  return openFlag ? { action: 'add', flagId: openFlag.id, entries: fresh } : { action: 'open', entries: fresh };
}
