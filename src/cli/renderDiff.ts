import { printable } from './output.js';
import type { ClassifiedChange } from '../diff/classifyChange.js';
import type { WordPart } from '../diff/words.js';

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const DIM = '\u001b[2m';
const STRIKE = '\u001b[9m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

export type RenderOptions = {
  color: boolean;
  /** Unchanged words kept on each side of an edit. */
  context?: number;
};

/** Elides long unchanged runs to their first and last `context` words. */
function elide(value: string, context: number, first: boolean, last: boolean): string {
  const words = value.split(/(\s+)/);
  const n = context * 2; // words and separators alternate
  if (words.length <= n * 2 + 1) return value;
  const head = first ? [] : words.slice(0, n);
  const tail = last ? [] : words.slice(-n);
  return `${head.join('')} … ${tail.join('')}`;
}

/**
 * A word diff for a terminal: removed words red and struck through, added words green; without
 * colour, [-removed-] and {+added+} as git's word diff writes them. Page text is escaped here, before
 * the styles are added, so Output.outStyled can tell the renderer's escapes from the page's.
 */
export function renderWordDiff(parts: WordPart[], options: RenderOptions): string {
  const context = options.context ?? 8;
  return parts
    .map((part, i) => {
      const value = printable(part.value);
      if (part.removed) return options.color ? `${RED}${STRIKE}${value}${RESET}` : `[-${value}-]`;
      if (part.added) return options.color ? `${GREEN}${value}${RESET}` : `{+${value}+}`;
      const text = elide(value, context, i === 0, i === parts.length - 1);
      return options.color ? `${DIM}${text}${RESET}` : text;
    })
    .join('');
}

/** The heading of a change: its classification, kinds and summary on one line. */
export function renderChangeHeading(
  change: Pick<ClassifiedChange, 'classification' | 'kinds' | 'significance' | 'summary'>,
  options: RenderOptions,
): string {
  const label = `${change.classification} (${change.kinds.join(', ') || 'no kinds'}, significance ${change.significance.toFixed(2)})`;
  const styled = options.color ? `${BOLD}${change.classification === 'material' ? RED : DIM}${label}${RESET}` : label;
  return `${styled}\n${printable(change.summary)}`;
}
