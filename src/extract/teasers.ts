import { BLOCK, countWords } from './blocks.js';

/**
 * What tells a listing (a section front, a topic page: story headlines as links, teasers, no article
 * body) from an article, read from the page itself rather than from the shape of its URL:
 * - headlineLinks: distinct links to pages of a site that are the whole text of their block, of a
 *   headline's length (a link inside a sentence of prose is not one);
 * - longestProseWords: the longest stretch of text between two headline links, in words. An article
 *   body is one long stretch; a listing's teasers are short ones, each cut by the next headline.
 */
export type TeaserFacts = { headlineLinks: number; longestProseWords: number };

type NodeLike = {
  nodeType: number;
  nodeValue?: string | null;
  localName?: string;
  textContent?: string | null;
  parentNode?: NodeLike | null;
  childNodes: ArrayLike<NodeLike>;
  getAttribute?(name: string): string | null;
  querySelector?(selector: string): unknown;
};

/** Words in a link that make it a headline rather than "more" or a byline. */
const HEADLINE_WORDS = 3;
/** Share of its block's words a headline link carries. */
const WHOLE_BLOCK = 0.6;
const BLOCK_SELECTOR = [...BLOCK].join(',');

/**
 * Gathers the facts from a (chrome-cleaned) body as textBlocks walks it (one walk for both): words
 * of text count towards the current stretch of prose except inside a headline link, which ends it.
 */
export function teaserWatcher() {
  const blockWords = new Map<NodeLike, number>();
  const wordsOf = (node: NodeLike): number => {
    let n = blockWords.get(node);
    if (n === undefined) blockWords.set(node, (n = countWords(node.textContent ?? '')));
    return n;
  };
  const hrefs = new Set<string>();
  let longest = 0;
  let run = 0;
  let inHeadline = false;
  return {
    element(node: NodeLike): boolean {
      if (inHeadline || node.localName !== 'a') return false;
      const href = pageLink(node.getAttribute?.('href') ?? null);
      if (!href || !isHeadline(node, wordsOf)) return false;
      hrefs.add(href);
      longest = Math.max(longest, run);
      run = 0;
      inHeadline = true;
      return true;
    },
    text(node: NodeLike): void {
      if (!inHeadline) run += countWords(node.nodeValue ?? '');
    },
    leave(): void {
      inHeadline = false;
    },
    facts(): TeaserFacts {
      return { headlineLinks: hrefs.size, longestProseWords: Math.max(longest, run) };
    },
  };
}

/** A link to a page (not an anchor on this one, a script, mail, or the home page), without its fragment. */
function pageLink(href: string | null): string | null {
  const h = href?.trim() ?? '';
  if (!h || h.startsWith('#') || /^(javascript|mailto|tel|data):/i.test(h)) return null;
  const path = h.replace(/^https?:\/\/[^/]+/i, '').replace(/#.*$/, '');
  return path === '' || path === '/' ? null : h.replace(/#.*$/, '');
}

/** The link is the whole of its block (a headline in a list, a heading) or a block itself (a card), and headline-sized. */
function isHeadline(link: NodeLike, wordsOf: (node: NodeLike) => number): boolean {
  const words = wordsOf(link);
  if (words < HEADLINE_WORDS) return false;
  if (link.querySelector?.(BLOCK_SELECTOR)) return true;
  let block = link.parentNode ?? null;
  while (block && block.nodeType === 1 && !BLOCK.has(block.localName ?? '')) block = block.parentNode ?? null;
  return block?.nodeType !== 1 || words >= WHOLE_BLOCK * wordsOf(block);
}
