import { diffArrays } from 'diff';
import { comparableParagraphs, normalizeChars } from '../extract/normalize.js';
import { similarity, splitSentences, tokens, wordCountOf } from './sentences.js';
import { describe } from './summary.js';

/** Bump when classification output changes: stored changes are then re-derived. */
export const DIFF_VERSION = 2;

export type ChangeKind =
  | 'number'
  | 'name'
  | 'headline'
  | 'paragraph-added'
  | 'paragraph-removed'
  | 'correction'
  | 'story-replaced'
  | 'text-edit';

export type ChangeInput = string | { title?: string | null; text: string };

export type Edit = { before: string; after: string; removedWords: string[]; addedWords: string[]; kind: ChangeKind };

export type ClassifiedChange = {
  classification: 'noise' | 'material';
  kinds: ChangeKind[];
  significance: number;
  added: string[];
  removed: string[];
  summary: string;
};

const CORRECTION =
  /\b(correction|clarification|editor'?s note|an earlier version of this|this (article|story|post|report) (has been|was) (updated|corrected|amended)|updated to (reflect|include|correct|clarify)|we regret the error|incorrectly (stated|reported|said))\b/i;
/** Short snippets that come and go with layouts and ad slots rather than with the story. */
const BOILERPLATE =
  /^(advertisement|sponsored|ad|read more|share( this)?( article| story)?|sign up|subscribe|follow us|click here|most (read|popular)|related( stories| articles)?|recommended|more from|listen to (this )?article|print|email|comments?|photo|image|video|caption|getty images|reuters|ap photo|copyright|©|\(c\)|all rights reserved)(?![\p{L}])/iu;
/** Sentence-initial words that are capitalised by grammar, not because they are names. */
const COMMON_CAPITALS = new Set(
  'The A An He She It They We I In On At But And Or This That These Those His Her Its Their Our As If When While After Before For From By With Mr Mrs Ms Dr'.split(
    ' ',
  ),
);
const WEIGHT: Record<ChangeKind, number> = {
  'story-replaced': 1,
  number: 0.8,
  headline: 0.7,
  name: 0.7,
  correction: 0.7,
  'paragraph-removed': 0.6,
  'text-edit': 0.45,
  'paragraph-added': 0.4,
};

function parts(input: ChangeInput): { title: string; sentences: string[] } {
  const { title, text } = typeof input === 'string' ? { title: '', text: input } : { title: input.title ?? '', text: input.text };
  return { title: normalizeChars(title), sentences: splitSentences(comparableParagraphs(text)) };
}

function trivial(passage: string): boolean {
  const words = tokens(passage);
  // Under four words, only a figure with a unit ("$5 million", "12%") is worth an editor's time.
  return (
    (words.length < 4 && !/[$€£%]|\d{4,}|\d[\d,.]*\s*(million|billion)/i.test(passage)) || (words.length < 12 && BOILERPLATE.test(passage))
  );
}

function editKind(removedWords: string[], addedWords: string[]): ChangeKind {
  const changed = [...removedWords, ...addedWords];
  if (changed.some((w) => /\d/.test(w))) return 'number';
  if (changed.some((w) => /^\p{Lu}/u.test(w) && !COMMON_CAPITALS.has(w))) return 'name';
  return 'text-edit';
}

/**
 * Bounds that keep a rewrite of a long text from costing seconds: the sentence diff gives up past
 * MAX_EDIT_SENTENCES changed sentences (its cost grows with length times edits), and a removed
 * sentence is compared with at most 2 * PAIR_WINDOW + 1 added ones, those at its place in the hunk
 * (an edited sentence stays where it was; an exhaustive search is quadratic in the hunk).
 */
const MAX_EDIT_SENTENCES = 1000;
const PAIR_WINDOW = 50;

/** Pairs each removed sentence of a hunk with the most similar added one: an edit, not a swap. */
function pairHunk(removed: string[], added: string[], edits: Edit[], lone: { removed: string[]; added: string[] }): void {
  const addedTokens = added.map(tokens);
  const used = new Set<number>();
  const loneRemoved: string[] = [];
  for (const [r, before] of removed.entries()) {
    const beforeTokens = tokens(before);
    let best = -1;
    let bestScore = 0.5;
    const at = Math.round((r * added.length) / removed.length);
    for (let i = Math.max(0, at - PAIR_WINDOW); i < Math.min(added.length, at + PAIR_WINDOW + 1); i++) {
      const score = used.has(i) ? 0 : similarity(beforeTokens, addedTokens[i]);
      if (score >= bestScore) [best, bestScore] = [i, score];
    }
    if (best < 0) {
      loneRemoved.push(before);
      continue;
    }
    used.add(best);
    const words = diffArrays(beforeTokens, addedTokens[best]);
    const removedWords = words.filter((w) => w.removed).flatMap((w) => w.value);
    const addedWords = words.filter((w) => w.added).flatMap((w) => w.value);
    if (removedWords.length + addedWords.length === 0) continue; // punctuation only
    const kind = CORRECTION.test(addedWords.join(' ')) ? 'correction' : editKind(removedWords, addedWords);
    edits.push({ before, after: added[best], removedWords, addedWords, kind });
  }
  // Unpaired sentences of one hunk are one passage: a two-sentence correction is one correction.
  if (loneRemoved.length) lone.removed.push(loneRemoved.join(' '));
  const loneAdded = added.filter((_, i) => !used.has(i));
  if (loneAdded.length) lone.added.push(loneAdded.join(' '));
}

/** Is the difference between two captures something an editor must re-check the claim against? */
export function classifyChange(beforeInput: ChangeInput, afterInput: ChangeInput): ClassifiedChange {
  const before = parts(beforeInput);
  const after = parts(afterInput);
  const kinds = new Set<ChangeKind>();
  const added: string[] = [];
  const removed: string[] = [];
  const [tb, ta] = [before.title.toLowerCase(), after.title.toLowerCase()];
  // A site name appended or dropped by a redesign ("Story" / "Story | Site") is not a new headline.
  const headlineChanged = tb !== ta && tb !== '' && ta !== '' && !tb.includes(ta) && !ta.includes(tb);
  if (headlineChanged) {
    kinds.add('headline');
    removed.push(before.title);
    added.push(after.title);
  }

  const edits: Edit[] = [];
  const lone = { removed: [] as string[], added: [] as string[] };
  let keptWords = 0;
  let hunk = { removed: [] as string[], added: [] as string[] };
  const closeHunk = () => {
    if (hunk.removed.length || hunk.added.length) pairHunk(hunk.removed, hunk.added, edits, lone);
    hunk = { removed: [], added: [] };
  };
  // Past the edit bound the two texts share too little to align: all of it is one hunk.
  const sentenceDiff = diffArrays(before.sentences, after.sentences, { maxEditLength: MAX_EDIT_SENTENCES }) ?? [
    { value: before.sentences, removed: true, added: false, count: before.sentences.length },
    { value: after.sentences, removed: false, added: true, count: after.sentences.length },
  ];
  for (const part of sentenceDiff) {
    if (part.removed) hunk.removed.push(...part.value);
    else if (part.added) hunk.added.push(...part.value);
    else {
      closeHunk();
      keptWords += wordCountOf(part.value);
    }
  }
  closeHunk();

  const beforeWords = wordCountOf(before.sentences);
  const afterWords = wordCountOf(after.sentences);
  const storyReplaced = beforeWords >= 40 && afterWords >= 40 && keptWords < 0.35 * Math.min(beforeWords, afterWords);
  if (storyReplaced) kinds.add('story-replaced');
  for (const edit of edits) {
    if (!storyReplaced) kinds.add(edit.kind);
    removed.push(edit.before);
    added.push(edit.after);
  }
  for (const passage of lone.removed.filter((p) => !trivial(p))) {
    if (!storyReplaced) kinds.add('paragraph-removed');
    removed.push(passage);
  }
  for (const passage of lone.added.filter((p) => !trivial(p))) {
    if (!storyReplaced) kinds.add(CORRECTION.test(passage) ? 'correction' : 'paragraph-added');
    added.push(passage);
  }

  const ordered = [...kinds].sort((a, b) => WEIGHT[b] - WEIGHT[a]);
  const changedWords = wordCountOf(added) + wordCountOf(removed);
  const share = Math.min(1, changedWords / Math.max(1, beforeWords + afterWords));
  const significance = ordered.length ? Math.min(1, WEIGHT[ordered[0]] + 0.3 * share) : Math.min(0.1, share);
  return {
    classification: ordered.length ? 'material' : 'noise',
    kinds: ordered,
    significance: Math.round(significance * 1000) / 1000,
    added,
    removed,
    summary: describe(ordered, {
      edits,
      before: before.title,
      after: after.title,
      added,
      removed,
      keptShare: keptWords / Math.max(1, beforeWords),
    }),
  };
}
