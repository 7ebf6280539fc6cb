import type { TeaserFacts } from './teasers.js';
import type { PageLayout, Signals } from './types.js';

/** What a page looks like from its words and markup; pure, so every rule is a row in a test table. */
export type SignalInput = {
  title: string;
  documentTitle: string;
  text: string;
  wordCount: number;
  scriptChars: number;
  appRoot: boolean;
  markup: string;
  /** Headline links and prose stretches of the cleaned body (HTML only; teasers.ts). */
  teasers?: TeaserFacts;
};

/** What an error page says it cannot show. */
const PAGE = '(?:page|article|story|content|document|file|url|link|resource|video|post)s?';

/**
 * Said in the body of an error page; a title or headline may say less ("404", "Not Found"). Each
 * phrase names the page itself or apologises in the first person: news says "probable cause did not
 * exist" or "investigators could not find" every day, and a short story must not read as an error.
 */
const ERROR_TEXT = new RegExp(
  [
    `\\b${PAGE} (?:you requested )?(?:was |could |is )?(?:not|cannot|can't|couldn't) (?:be )?found\\b`,
    `\\berror 404\\b|\\b404 (?:error|not found)\\b|\\bgone\\b.{0,20}\\b410\\b|\\b410 gone\\b|\\bpage unavailable\\b`,
    `\\b${PAGE}\\b[^.!?]{0,40}\\b(?:no longer (?:available|exists?|online)|(?:doesn't|does not) exist)\\b`,
    `\\b(?:we|sorry)\\b[^.!?]{0,20}\\b(?:can't|cannot|couldn't|could not) (?:find|locate)\\b`,
    `\\bpage (?:you|you're) (?:are |were )?(?:looking|requested|searching)`,
    `\\b${PAGE} (?:has|have) been (?:removed|deleted|taken down)\\b`,
  ].join('|'),
  'i',
);
const ERROR_HEAD = /\b404\b|\bnot found\b|page unavailable|server error|\b(410|500|503)\b.{0,20}(gone|error|unavailable)/i;
const PARKED =
  /\b(this )?domain( name)? (is |may be )?(for sale|parked|available)|buy this domain|domain (has )?expired|parked (free|domain|by)|hugedomains|sedo(parking)?|afternic|dan\.com|bodis|parkingcrew|related searches|inquire about this domain|make an offer on this domain/i;
const CHALLENGE =
  /just a moment\.\.\.|checking (if the site connection is secure|your browser)|attention required|verify (you are|you're) (a )?human|are you a robot|enable javascript and cookies to continue|ddos protection by|please complete the security check|access denied|unusual traffic from your computer/i;
const PAYWALL =
  /subscribe (now )?to (continue|keep) reading|to continue reading,? (please )?(subscribe|log ?in|sign in)|(this (article|story|content) is|available) (only )?(for|to) subscribers|subscribers only|already a subscriber|subscribe to (read|unlock)|create a free account to (continue|read)|you('ve| have) reached your (free )?(article|story) limit|unlock this (article|story)/i;

/** A shell without a mount point says at most this many words in sentences (a noscript line, a consent notice). */
const SHELL_PROSE_WORDS_MAX = 40;

/** Words in sentences: paragraphs of a dozen words or more that end one. Menus, buttons and labels have none. */
function proseWords(text: string): number {
  let words = 0;
  for (const paragraph of text.split(/\n{2,}/)) {
    const n = paragraph.split(/\s+/).filter(Boolean).length;
    if (n >= 12 && /[.!?…][”"')\]]?\s*$/.test(paragraph.trim())) words += n;
  }
  return words;
}

export function computeSignals(p: SignalInput): Signals {
  const head = `${p.title}\n${p.documentTitle}`;
  const opening = p.text.slice(0, 600);
  // The body's opening without the headline it repeats: the headline is judged apart, by its length.
  const body = p.title && p.text.startsWith(p.title) ? p.text.slice(p.title.length) : p.text;
  const short = p.wordCount < 250;
  // "404" in a long headline is more likely a highway than an error page.
  const shortHeads = [p.title, p.documentTitle].filter((t) => t.split(/\s+/).length <= 8).join('\n');
  // An error phrase counts only on a short page, and in a title only in a short one: "Epstein client
  // list doesn't exist, DOJ says, walking back theory Bondi promoted" is a story (a real citation).
  const errorPage = ERROR_HEAD.test(shortHeads) || (short && (ERROR_TEXT.test(shortHeads) || ERROR_TEXT.test(body.slice(0, 600))));
  const parked = (PARKED.test(head) || PARKED.test(p.text.slice(0, 2000))) && p.wordCount < 400;
  const botChallenge =
    (CHALLENGE.test(head) || (short && CHALLENGE.test(opening)) || /cf-challenge|cf_chl_|challenge-platform/.test(p.markup)) &&
    p.wordCount < 200;
  const paywall =
    (PAYWALL.test(p.text) && (p.wordCount < 600 || /paywall|isaccessibleforfree/.test(p.markup))) ||
    (/"isaccessibleforfree"\s*:\s*"?false/.test(p.markup) && p.wordCount < 400);
  // Without an empty mount point, heavy script alone says little (news pages carry 50 kB of ads and
  // analytics): a brief whose story is already there in sentences is not waiting for its script.
  const scriptShell =
    p.wordCount < 120 &&
    p.scriptChars > 5_000 &&
    p.scriptChars > 20 * p.text.length &&
    (p.appRoot || (p.scriptChars > 50_000 && proseWords(p.text) < SHELL_PROSE_WORDS_MAX));
  const signals: Signals = { errorPage, parked, botChallenge, paywall, scriptShell, wordCount: p.wordCount };
  const layout = pageLayout(p.teasers);
  if (layout) signals.layout = layout;
  return signals;
}

/** Headline links a listing shows at least: a front page, a section, a topic, a search result. */
const LISTING_MIN_LINKS = 5;
/** A listing's longest prose between two headlines (a teaser, a standfirst) stays under this many words. */
const LISTING_MAX_PROSE_WORDS = 120;
/** An article body runs at least this many words without a headline link in between. */
const ARTICLE_MIN_PROSE_WORDS = 150;

/**
 * What the page is, from its content alone: a listing (many headline links, only short prose between
 * them), an article (a long stretch of prose), or neither said (a short page with few links, or facts
 * not at hand). Independent of the URL's shape, which the states stage weighs beside it.
 */
export function pageLayout(t: TeaserFacts | undefined): PageLayout | undefined {
  if (!t) return undefined;
  if (t.longestProseWords >= ARTICLE_MIN_PROSE_WORDS) return 'article';
  if (t.headlineLinks >= LISTING_MIN_LINKS && t.longestProseWords < LISTING_MAX_PROSE_WORDS) return 'listing';
  return undefined;
}
