import { claimTerms } from '../../diff/claim.js';
import type { WordPart } from '../../diff/words.js';
import { html, type Html } from '../html.js';

/**
 * A word diff (src/diff/words.ts) as HTML: removed words in <del>, added in <ins>, the words of the
 * claim terms the claim check matched in <mark>, and long unchanged runs folded into a <details>
 * that opens without JavaScript. Pure; every word of page text is escaped by the html tag.
 */

type Kind = 'same' | 'added' | 'removed';
export type Token = { text: string; kind: Kind; mark: boolean };

/** Unchanged words kept on each side of an edit before the rest is folded. */
const CONTEXT_WORDS = 12;

/** The patterns of the claim's terms that the claim check matched (by label), for highlighting. */
export function matchedTermPatterns(claim: { title: string; description?: string | null }, matched: string[]): RegExp[] {
  const wanted = new Set(matched.map((t) => t.toLowerCase()));
  return claimTerms(claim)
    .filter((t) => wanted.has(t.label.toLowerCase()))
    .map((t) => new RegExp(t.pattern.source, t.pattern.flags.includes('g') ? t.pattern.flags : `${t.pattern.flags}g`));
}

/** Quotes and dashes made plain, one character for one, as the claim check sees them (positions kept). */
function plain(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-');
}

/** Which characters of a text lie in a match of one of the patterns. */
function matchedChars(text: string, patterns: RegExp[]): Uint8Array {
  const marked = new Uint8Array(text.length);
  const searched = plain(text);
  for (const pattern of patterns) {
    for (const m of searched.matchAll(pattern)) if (m[0].length > 0) marked.fill(1, m.index, m.index + m[0].length);
  }
  return marked;
}

/**
 * The diff as word and space tokens, each knowing whether it lies in a match of a claim term. Terms
 * are searched in the old text and in the new text, each read whole, as the claim check read them
 * (a removed "120" beside an added "210" is the figure 120 of the old text, not "120210").
 */
export function diffTokens(parts: WordPart[], patterns: RegExp[]): Token[] {
  const tokens: (Token & { before: number; after: number })[] = [];
  let before = '';
  let after = '';
  for (const part of parts) {
    const kind: Kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    for (const piece of part.value.split(/(\s+)/)) {
      if (piece === '') continue;
      tokens.push({
        text: piece,
        kind,
        mark: false,
        before: kind === 'added' ? -1 : before.length,
        after: kind === 'removed' ? -1 : after.length,
      });
      if (kind !== 'added') before += piece;
      if (kind !== 'removed') after += piece;
    }
  }
  const inBefore = matchedChars(before, patterns);
  const inAfter = matchedChars(after, patterns);
  const hit = (marked: Uint8Array, from: number, length: number) => from >= 0 && marked.subarray(from, from + length).includes(1);
  return tokens.map((t) => ({
    text: t.text,
    kind: t.kind,
    mark: /\S/.test(t.text) && (hit(inBefore, t.before, t.text.length) || hit(inAfter, t.after, t.text.length)),
  }));
}

function marks(tokens: Token[]): Html[] {
  const out: Html[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i;
    while (j < tokens.length && tokens[j].mark === tokens[i].mark) j++;
    const text = tokens
      .slice(i, j)
      .map((t) => t.text)
      .join('');
    out.push(tokens[i].mark ? html`<mark>${text}</mark>` : html`${text}`);
    i = j;
  }
  return out;
}

function countWords(tokens: Token[]): number {
  return tokens.filter((t) => /\S/.test(t.text)).length;
}

/** Index after the first n words of tokens. */
function afterWords(tokens: Token[], n: number): number {
  let words = 0;
  for (let i = 0; i < tokens.length; i++) if (/\S/.test(tokens[i].text) && ++words === n) return i + 1;
  return tokens.length;
}

function foldSame(run: Token[], first: boolean, last: boolean): Html {
  const words = countWords(run);
  const keep = (first ? 0 : CONTEXT_WORDS) + (last ? 0 : CONTEXT_WORDS);
  if (words <= keep + CONTEXT_WORDS) return html`${marks(run)}`;
  const headEnd = first ? 0 : afterWords(run, CONTEXT_WORDS);
  const tailStart = last ? run.length : afterWords(run, words - CONTEXT_WORDS);
  const hidden = run.slice(headEnd, tailStart);
  return html`${marks(run.slice(0, headEnd))}<details><summary>… ${countWords(hidden)} unchanged words</summary>${marks(hidden)}</details>${marks(run.slice(tailStart))}`;
}

/** Tokens as HTML, grouped in runs of one kind; unchanged runs folded past their context. */
export function renderTokens(tokens: Token[]): Html {
  const runs: Token[][] = [];
  for (const t of tokens) {
    const run = runs[runs.length - 1];
    if (run && run[0].kind === t.kind) run.push(t);
    else runs.push([t]);
  }
  return html`${runs.map((run, i) => {
    if (run[0].kind === 'added') return html`<ins>${marks(run)}</ins>`;
    if (run[0].kind === 'removed') return html`<del>${marks(run)}</del>`;
    return foldSame(run, i === 0, i === runs.length - 1);
  })}`;
}

/** The same diff twice: the old text with its removals, the new text with its additions. */
export function sideBySide(tokens: Token[]): { before: Html; after: Html } {
  return {
    before: renderTokens(tokens.filter((t) => t.kind !== 'added')),
    after: renderTokens(tokens.filter((t) => t.kind !== 'removed')),
  };
}
