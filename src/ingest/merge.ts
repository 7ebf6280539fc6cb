import path from 'node:path';
import type { ParsedEvent, Rejection } from './types.js';

/** Format precedence when one event id appears in several files: Markdown, then YAML, then JSON. */
const FORMAT_RANK: Record<string, number> = { '.md': 0, '.markdown': 0, '.yaml': 1, '.yml': 1, '.json': 2 };

export type MergeResult = {
  /** One event per id: the winning copy. */
  events: ParsedEvent[];
  /** Ids given by more than one file (or twice in one file), identical or not. */
  duplicated: number;
  /** One 'duplicate-conflict' per losing copy whose content differs from the winner's. */
  rejections: Rejection[];
};

/**
 * The same event in several files is one event. The rule that picks the copy that is stored:
 * Markdown beats YAML beats JSON; between files of one format the path that sorts first wins.
 * Identical copies are silent; a differing copy is reported naming both files.
 */
export function mergeDuplicates(events: ParsedEvent[]): MergeResult {
  const byId = new Map<string, ParsedEvent[]>();
  for (const e of events) {
    const list = byId.get(e.id);
    if (list) list.push(e);
    else byId.set(e.id, [e]);
  }
  const result: MergeResult = { events: [], duplicated: 0, rejections: [] };
  for (const [id, copies] of byId) {
    const [winner, ...losers] = [...copies].sort(compareCopies);
    result.events.push(winner);
    if (losers.length > 0) result.duplicated++;
    for (const loser of losers) {
      if (loser.contentHash === winner.contentHash) continue;
      result.rejections.push({
        kind: 'duplicate-conflict',
        file: loser.file,
        eventId: id,
        reason: `event ${id} is also in ${winner.file} with different ${differingFields(winner, loser).join(', ')}; the copy in ${winner.file} is used (${ruleName(winner, loser)})`,
      });
    }
  }
  return result;
}

function rank(file: string): number {
  return FORMAT_RANK[path.extname(file).toLowerCase()] ?? 3;
}

function compareCopies(a: ParsedEvent, b: ParsedEvent): number {
  return rank(a.file) - rank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}

function ruleName(winner: ParsedEvent, loser: ParsedEvent): string {
  if (rank(winner.file) !== rank(loser.file)) return 'Markdown wins over YAML, YAML over JSON';
  return winner.file === loser.file ? 'the first in the file wins' : 'the path that sorts first wins';
}

function differingFields(a: ParsedEvent, b: ParsedEvent): string[] {
  const keys = ['title', 'date', 'importance', 'status', 'description', 'tags', 'actors', 'citations'] as const;
  const differ = keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return differ.length > 0 ? differ : ['content'];
}
