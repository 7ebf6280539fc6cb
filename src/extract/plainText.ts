import { BLOCK, SKIP } from './blocks.js';

/**
 * HTML read without a DOM, in one forward pass over the string: how deep its elements nest (asked
 * before a DOM is built), and the plain text of a document too deep or too large for linkedom and
 * Readability, whose cost grows with the cube of the nesting depth and whose recursion overflows
 * the stack (100,000 nested <div>s). Approximate by design: no tree is built, so nothing can blow up.
 */

/** Elements that never have content. */
const VOID = new Set('area base br col embed hr img input keygen link meta param source track wbr'.split(' '));
/** Elements a parser closes when a sibling opens (or their parent closes): they do not nest. */
const IMPLIED_END = new Set('p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp'.split(' '));
/** Elements whose content is text up to their end tag, not markup. */
const RAW = new Set('script style textarea title iframe xmp noembed noframes'.split(' '));

type Token = { kind: 'text'; text: string } | { kind: 'open' | 'close'; name: string; raw?: string };

const TAG = /<(\/?)([a-zA-Z][^\s/>]*)/y;

/** Text runs and tags in document order; comments, doctypes and the contents of raw-text elements are not markup. */
function* tokens(html: string): Generator<Token> {
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i) yield { kind: 'text', text: html.slice(i, lt) };
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    if (!m) {
      const bang = html[lt + 1] === '!' || html[lt + 1] === '?';
      const end = bang ? html.indexOf('>', lt) : -1;
      if (bang) i = end < 0 ? html.length : end + 1;
      else {
        yield { kind: 'text', text: '<' };
        i = lt + 1;
      }
      continue;
    }
    const gt = html.indexOf('>', TAG.lastIndex);
    const after = gt < 0 ? html.length : gt + 1;
    const name = m[2].toLowerCase();
    if (m[1]) {
      yield { kind: 'close', name };
      i = after;
    } else if (RAW.has(name)) {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = after;
      const end = close.exec(html)?.index ?? html.length;
      yield { kind: 'open', name, raw: html.slice(after, end) };
      yield { kind: 'close', name };
      const endGt = html.indexOf('>', end);
      i = end === html.length || endGt < 0 ? html.length : endGt + 1;
    } else {
      yield { kind: 'open', name };
      if (VOID.has(name)) yield { kind: 'close', name };
      i = after;
    }
  }
  if (i < html.length) yield { kind: 'text', text: html.slice(i) };
}

/** Greatest nesting depth of the elements, counted up to limit + 1 (the scan stops there). */
export function nestingDepth(html: string, limit: number): number {
  const open: string[] = [];
  let max = 0;
  for (const t of tokens(html)) {
    if (t.kind === 'text' || VOID.has(t.name) || IMPLIED_END.has(t.name) || RAW.has(t.name)) continue;
    if (t.kind === 'open') {
      open.push(t.name);
      max = Math.max(max, open.length);
      if (max > limit) break;
    } else {
      // A stray end tag closes nothing; a matching one closes what was left open inside it.
      // The search is bounded: the stack never grows past the limit.
      const at = open.lastIndexOf(t.name);
      if (at >= 0) open.length = at;
    }
  }
  return max;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** The common character references; others stay as written (a plain-text fallback, not a parser). */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|([a-z]{2,6}));/gi, (whole, hex?: string, dec?: string, name?: string) => {
    const code = hex ? parseInt(hex, 16) : dec ? Number(dec) : -1;
    if (code >= 0) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return ENTITIES[name!.toLowerCase()] ?? whole;
  });
}

const clean = (text: string) => decodeEntities(text).replace(/\s+/g, ' ').trim();

/**
 * Title, paragraphs (cut at block elements, as textBlocks cuts them) and script size of a document,
 * without the elements a reader never sees (scripts, styles, forms, templates).
 */
export function plainText(html: string): { title: string; paragraphs: string[]; scriptChars: number } {
  const paragraphs: string[] = [];
  let title = '';
  let scriptChars = 0;
  let buffer = '';
  // The hidden element being skipped, and how many of its kind are open inside it.
  let skipping: string | null = null;
  let nested = 0;
  const flush = () => {
    const text = clean(buffer);
    if (text) paragraphs.push(text);
    buffer = '';
  };
  for (const t of tokens(html)) {
    if (t.kind === 'text') {
      if (skipping === null) buffer += t.text;
    } else if (skipping !== null) {
      if (t.name === skipping) nested += t.kind === 'open' ? 1 : -1;
      if (nested === 0) skipping = null;
    } else if (t.kind === 'open' && t.raw !== undefined) {
      if (t.name === 'title' && !title) title = clean(t.raw);
      if (t.name === 'script') scriptChars += t.raw.length;
    } else if (t.kind === 'open' && SKIP.has(t.name) && !VOID.has(t.name)) {
      [skipping, nested] = [t.name, 1];
    } else if (BLOCK.has(t.name) || t.name === 'body') flush();
  }
  flush();
  return { title, paragraphs, scriptChars };
}
