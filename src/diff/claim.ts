import { normalizeChars } from '../extract/normalize.js';

export type ClaimTouch = { touches: boolean; terms: string[] };
type Term = { label: string; pattern: RegExp; weight: number };

const STOP = new Set(
  (
    'the a an of and or in on at to for from by with as is was were be been has have had it its this that these those ' +
    'he she they we his her their our said says after before over under about into than then when while which who what ' +
    'january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday ' +
    'according reported report government company statement president department'
  ).split(' '),
);
const CONNECTORS = new Set(['of', 'de', 'du', 'la', 'van', 'von', 'der', 'del', 'and', '&']);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longer "figures" are digit soup, not a claim; their grouping pattern costs the square of their length. */
const MAX_FIGURE_CHARS = 40;

/** "$400,000" and "400000", "1.2 million" and "1.2m": a figure matches however it is written. */
function numberPattern(raw: string): RegExp {
  const digits = raw.replace(/[$€£,\s]/g, '');
  const [whole, fraction] = digits.split('.');
  // Thousands may be written 400,000 / 400 000 / 400.000 / 400000; a year (2024) is written one way.
  const grouped = whole.length >= 5 || raw.includes(',') ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, '[,\\s.]?') : whole;
  const body = fraction === undefined ? grouped : `${grouped}\\.${fraction}`;
  return new RegExp(`(?<![\\d.,])${body}(?!\\d|[.,]\\d)`, 'i');
}

/** What a claim rests on: figures, dates, names, quoted words, and its rarer words. */
export function claimTerms(claim: { title: string; description?: string | null }): Term[] {
  const text = normalizeChars(`${claim.title}. ${claim.description ?? ''}`);
  const terms = new Map<string, Term>();
  const add = (label: string, pattern: RegExp, weight: number) => {
    const key = label.toLowerCase();
    if (!terms.has(key) || terms.get(key)!.weight < weight) terms.set(key, { label, pattern, weight });
  };
  for (const m of text.matchAll(/"([^"]{3,80})"/g)) add(`"${m[1]}"`, new RegExp(escapeRe(m[1]), 'i'), 4.5);
  const month = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
  for (const m of text.matchAll(new RegExp(`\\b${month} \\d{1,2}\\b|\\b\\d{1,2} ${month}`, 'gi'))) {
    add(m[0], new RegExp(`\\b${escapeRe(m[0])}(?!\\d)`, 'i'), 5);
  }
  for (const m of text.matchAll(/[$€£]?\d[\d,.]*\d|[$€£]\d|\b\d{2,}\b/g)) {
    const raw = m[0].replace(/[.,]$/, '');
    if (/^\d{1,2}$/.test(raw)) continue; // "7" or "14" alone matches too much
    if (raw.length > MAX_FIGURE_CHARS) continue;
    add(raw, numberPattern(raw), 5);
  }
  const words = text.split(/\s+/);
  let run: string[] = [];
  const flushName = () => {
    while (run.length && CONNECTORS.has(run[run.length - 1].toLowerCase())) run.pop();
    if (run.length >= 2) add(run.join(' '), new RegExp(`\\b${escapeRe(run.join(' '))}\\b`, 'i'), 4);
    // The surname alone identifies a person in later sentences ("Reyes said").
    if (run.length >= 2) add(run[run.length - 1], new RegExp(`\\b${escapeRe(run[run.length - 1])}\\b`), 2);
    run = [];
  };
  for (const raw of words) {
    // The trailing run is matched from its start only (the lookbehind), not rescanned from each character.
    const word = raw.replace(/^[("']+|(?<![)"',.;:!?])[)"',.;:!?]+$/g, '');
    const capital = /^\p{Lu}[\p{L}'-]+$/u.test(word) && !STOP.has(word.toLowerCase());
    if (capital || (run.length > 0 && CONNECTORS.has(word.toLowerCase()))) run.push(word);
    else flushName();
    if (/[.;:!?]$/.test(raw)) flushName();
  }
  flushName();
  for (const m of text.toLowerCase().matchAll(/\p{L}{8,}/gu)) {
    if (!STOP.has(m[0])) add(m[0], new RegExp(`\\b${escapeRe(m[0])}`, 'i'), 1);
  }
  return [...terms.values()];
}

function count(pattern: RegExp, texts: string[]): number {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  return texts.reduce((n, t) => n + (t.match(global)?.length ?? 0), 0);
}

/**
 * Whether the changed passages touch what the citing event claims. Terms whose count differs
 * between removed and added text (the figure itself changed) come first, then terms merely present.
 */
export function touchesClaim(
  change: { added: string[]; removed: string[] },
  claim: { title: string; description?: string | null },
): ClaimTouch {
  const added = change.added.map(normalizeChars);
  const removed = change.removed.map(normalizeChars);
  const hits: { label: string; score: number }[] = [];
  for (const term of claimTerms(claim)) {
    const [a, r] = [count(term.pattern, added), count(term.pattern, removed)];
    if (a + r === 0) continue;
    hits.push({ label: term.label, score: term.weight + (a !== r ? 10 : 0) });
  }
  hits.sort((x, y) => y.score - x.score);
  // Only rare words, present on both sides of an edit, are too weak to call the claim touched.
  const touches = hits.some((h) => h.score >= 2);
  return { touches, terms: hits.map((h) => h.label) };
}
