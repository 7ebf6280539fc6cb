import path from 'node:path';
import type { ParsedCitation, ParsedEvent } from './types.js';

/** What the database holds, as far as planning needs it (loaded in a few queries by the edge). */
export type CurrentState = {
  events: Map<string, { contentHash: string; sourcePath: string; removed: boolean }>;
  /** eventId → source URL → whether that citation is detached. */
  citations: Map<string, Map<string, { detached: boolean }>>;
  /** Normalized URLs that have a sources row. */
  sources: Set<string>;
  /** `${sourceUrl} ${spelling}` for every 'cited' source_urls row. */
  spellings: Set<string>;
};

export type IngestScope = {
  /** Absolute paths given to ingest (directories and files): removal only happens under them. */
  roots: string[];
  /** Files that were read but not fully understood: their stored events are left alone. */
  protectedFiles: Set<string>;
};

export type IngestPlan = {
  insertEvents: ParsedEvent[];
  /** Changed content, moved to another file, or back after being removed. */
  updateEvents: ParsedEvent[];
  restored: string[];
  unchanged: number;
  removeEvents: string[];
  newSources: { url: string; host: string }[];
  /** Every citation of each inserted or updated event: written (and re-attached) as given. */
  upsertCitations: { eventId: string; citation: ParsedCitation }[];
  detachCitations: { eventId: string; sourceUrl: string }[];
  newSpellings: { sourceUrl: string; url: string }[];
  citationsAttached: number;
  citationsReattached: number;
};

export function spellingKey(sourceUrl: string, spelling: string): string {
  return `${sourceUrl} ${spelling}`;
}

export function isUnder(file: string, roots: string[]): boolean {
  return roots.some((root) => file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

/**
 * Pure: compares the parsed events (one per id, after merging duplicates) with the database and
 * says what to write. Unchanged events cost nothing; events gone from an ingested directory are
 * marked removed; citations gone from an event are detached, never deleted.
 */
export function planIngest(events: ParsedEvent[], state: CurrentState, scope: IngestScope): IngestPlan {
  const plan: IngestPlan = {
    insertEvents: [],
    updateEvents: [],
    restored: [],
    unchanged: 0,
    removeEvents: [],
    newSources: [],
    upsertCitations: [],
    detachCitations: [],
    newSpellings: [],
    citationsAttached: 0,
    citationsReattached: 0,
  };
  const seenIds = new Set<string>();
  const newSources = new Map<string, string>();
  const newSpellings = new Set<string>();
  for (const event of events) {
    seenIds.add(event.id);
    for (const c of event.citations) if (!state.sources.has(c.normalizedUrl)) newSources.set(c.normalizedUrl, c.host);
    const stored = state.events.get(event.id);
    if (!stored) plan.insertEvents.push(event);
    else if (stored.removed || stored.contentHash !== event.contentHash || movedWithinScope(stored.sourcePath, event.file, scope)) {
      plan.updateEvents.push(event);
      if (stored.removed) plan.restored.push(event.id);
    } else {
      plan.unchanged++;
      continue;
    }
    const current = state.citations.get(event.id) ?? new Map<string, { detached: boolean }>();
    const wanted = new Set<string>();
    for (const citation of event.citations) {
      wanted.add(citation.normalizedUrl);
      plan.upsertCitations.push({ eventId: event.id, citation });
      const existing = current.get(citation.normalizedUrl);
      if (!existing) plan.citationsAttached++;
      else if (existing.detached) plan.citationsReattached++;
      const key = spellingKey(citation.normalizedUrl, citation.url);
      if (!state.spellings.has(key) && !newSpellings.has(key)) {
        newSpellings.add(key);
        plan.newSpellings.push({ sourceUrl: citation.normalizedUrl, url: citation.url });
      }
    }
    for (const [sourceUrl, { detached }] of current) {
      if (!detached && !wanted.has(sourceUrl)) plan.detachCitations.push({ eventId: event.id, sourceUrl });
    }
  }
  for (const [id, stored] of state.events) {
    if (stored.removed || seenIds.has(id)) continue;
    if (!isUnder(stored.sourcePath, scope.roots) || scope.protectedFiles.has(stored.sourcePath)) continue;
    plan.removeEvents.push(id);
    for (const [sourceUrl, { detached }] of state.citations.get(id) ?? []) {
      if (!detached) plan.detachCitations.push({ eventId: id, sourceUrl });
    }
  }
  plan.newSources = [...newSources].map(([url, host]) => ({ url, host }));
  return plan;
}

/**
 * An identical event now read from another file counts as changed only when the run could see the
 * stored file (it is under an ingested path); ingesting a lone duplicate copy does not flip it.
 */
function movedWithinScope(storedPath: string, newPath: string, scope: IngestScope): boolean {
  return storedPath !== newPath && isUnder(storedPath, scope.roots);
}
