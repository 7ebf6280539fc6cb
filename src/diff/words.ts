import { diffWords } from 'diff';

export type WordPart = { value: string; added?: boolean; removed?: boolean };

/** Word-level diff for display: unchanged, removed and added runs in reading order. */
export function wordDiff(a: string, b: string): WordPart[] {
  return diffWords(a, b).map((p) => (p.added ? { value: p.value, added: true } : p.removed ? { value: p.value, removed: true } : { value: p.value }));
}
