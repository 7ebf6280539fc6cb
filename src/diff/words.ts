import { diffWords } from 'diff';

export type WordPart = { value: string; added?: boolean; removed?: boolean };

/** Word edits past which two texts are shown as replaced outright: the diff's cost grows with length times edits. */
const MAX_EDIT_WORDS = 1000;

/** Word-level diff for display: unchanged, removed and added runs in reading order. */
export function wordDiff(a: string, b: string): WordPart[] {
  const parts = diffWords(a, b, { maxEditLength: MAX_EDIT_WORDS }) ?? [
    { value: a, removed: true },
    { value: b, added: true },
  ];
  return parts.map((p) => (p.added ? { value: p.value, added: true } : p.removed ? { value: p.value, removed: true } : { value: p.value }));
}
