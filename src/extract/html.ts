import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { countWords, textBlocks } from './blocks.js';
import { inlineContent } from './inlineContent.js';
import { nestingDepth, plainText } from './plainText.js';
import { teaserWatcher, type TeaserFacts } from './teasers.js';
import type { Extraction } from './types.js';

/** What the HTML stage knows: the article, plus the raw facts the signals need. */
export type HtmlFacts = {
  documentTitle: string;
  title: string;
  byline: string | null;
  published: string | null;
  paragraphs: string[];
  /** Characters inside <script> elements, JSON blobs included. */
  scriptChars: number;
  /** An empty mount point of a client-side app (#root, #__next, app-root, ...). */
  appRoot: boolean;
  /** Lower-cased markup hints for the signals (challenge scripts, paywall classes). */
  markup: string;
  /** Why the text is plain text of the whole body rather than Readability's article. */
  extraction?: Extraction;
  /** Headline links and prose of the cleaned body: a listing or an article (signals' layout). */
  teasers?: TeaserFacts;
};

/**
 * Beyond these the DOM is not built: Readability's time grows with the cube of the nesting depth
 * (0.1 s at 100 levels, 9 s at 800, a stack overflow further down) and about linearly with size
 * (7 s for 1.6 MB of links). Real pages nest a few dozen levels deep.
 */
const MAX_DEPTH = 256;
const MAX_HTML_CHARS = 4 * 1024 * 1024;

/**
 * Chrome that Readability keeps on some layouts (measured on test/fixtures/pages, see
 * notes/readme-detect.md): consent banners and rotating story rails sitting next to the article.
 */
const CHROME_SELECTOR = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'svg',
  'nav',
  'footer',
  'aside',
  '[role="navigation"]',
  '[role="contentinfo"]',
  '[role="complementary"]',
  '[role="banner"]',
  '[role="dialog"]',
  '[aria-hidden="true"]',
  '[hidden]',
].join(',');
const CHROME_CLASS =
  /(^|[\s_-])(cookie|consent|gdpr|cmp|banner|newsletter|related|recommend|trending|most-?(read|popular|viewed)|popular|outbrain|taboola|promo|advert|ad-?slot|ads?|sponsor|share|social|breadcrumbs?|paywall-prompt|subscribe-box|comments?|widgets?|sidebar|share-?tools|sharedaddy|mw-editsection|site-?notice|site-?sub|donat\w*)([\s_-]|$)/i;
const APP_ROOT = '#root, #app, #__next, #__nuxt, #___gatsby, [data-reactroot], app-root, [ng-version], [data-server-rendered]';

const META_PUBLISHED = [
  'meta[property="article:published_time"]',
  'meta[name="article:published_time"]',
  'meta[itemprop="datePublished"]',
  'meta[name="date"]',
  'meta[name="dc.date"]',
  'meta[name="DC.date.issued"]',
];

function meta(document: Document, selectors: string[]): string | null {
  for (const selector of selectors) {
    const value = document.querySelector(selector)?.getAttribute('content')?.trim();
    if (value) return value;
  }
  return null;
}

function clean(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** chromeRules: false runs Readability alone (bench/extract.ts measures what the rules add). */
export function extractHtml(html: string, options: { chromeRules?: boolean } = {}): HtmlFacts {
  const markup = [
    ...html
      .slice(0, 200_000)
      .matchAll(
        /cf-challenge|cf_chl_|challenge-platform|g-recaptcha|h-captcha|hcaptcha|captcha|paywall|"isaccessibleforfree"\s*:\s*"?false/gi,
      ),
  ]
    .map((m) => m[0].toLowerCase())
    .join(' ');
  const tooLarge = html.length > MAX_HTML_CHARS;
  if (tooLarge || nestingDepth(html, MAX_DEPTH) > MAX_DEPTH) {
    const plain = plainText(html);
    const facts = {
      documentTitle: plain.title,
      title: plain.title,
      byline: null,
      published: null,
      scriptChars: plain.scriptChars,
      appRoot: false,
      markup,
    };
    return { ...facts, paragraphs: plain.paragraphs, extraction: tooLarge ? 'fallback-large-document' : 'fallback-deep-document' };
  }
  const document = parseDocument(html);
  const documentTitle = clean(document.querySelector('title')?.textContent);
  let scriptChars = 0;
  for (const script of document.querySelectorAll('script')) scriptChars += (script.textContent ?? '').length;
  const appRoot = [...document.querySelectorAll(APP_ROOT)].some((el) => countWords(el.textContent ?? '') < 50);

  const h1s = [...document.querySelectorAll('h1')].map((h) => clean(h.textContent)).filter(Boolean);
  const published = meta(document, META_PUBLISHED) ?? document.querySelector('time[datetime]')?.getAttribute('datetime') ?? null;
  const metaAuthor = meta(document, ['meta[name="author"]', 'meta[property="article:author"]']);

  if (options.chromeRules !== false) {
    for (const el of [...document.querySelectorAll(CHROME_SELECTOR)]) el.remove();
    removeChromeBoxes(document);
  }
  // The teaser facts ride on this walk of the cleaned body, before Readability takes the document apart.
  const watcher = teaserWatcher();
  const bodyBlocks = document.body ? textBlocks(document.body as never, watcher) : [];
  const teasers = document.body ? watcher.facts() : undefined;

  const article = new Readability(document as never, { serializer: (node) => node }).parse();
  const articleBlocks = article?.content ? textBlocks(article.content as never) : [];
  // Readability gives up or grabs one box on short, list-like pages (a government release, a stub):
  // the cleaned body then says more about the page than the "article" does.
  const bodyWords = countWords(bodyBlocks.join(' '));
  const articleWords = countWords(articleBlocks.join(' '));
  const paragraphs = articleWords >= 0.4 * bodyWords || articleWords >= 300 ? articleBlocks : bodyBlocks;

  // An app shell (an empty mount point, under 120 words: signals' scriptShell) carrying its article as inline JSON needs no browser.
  const inline = appRoot && countWords(paragraphs.join(' ')) < 120 ? inlineContent(html) : null;
  if (inline) return { documentTitle, ...inline, scriptChars, appRoot, markup };
  const title = h1s.length > 0 ? h1s[0] : clean(article?.title) || documentTitle;
  return {
    documentTitle,
    title,
    byline: clean(article?.byline) || metaAuthor || null,
    published: clean(article?.publishedTime) || published || null,
    paragraphs: dropLeadingTitle(paragraphs, title),
    scriptChars,
    appRoot,
    markup,
    teasers,
  };
}

/**
 * HTML may leave out <html>, <head> and <body> (and pages that do); linkedom then builds a document
 * without them, whose text Readability cannot find. Such a page is parsed again inside those tags.
 */
function parseDocument(html: string): Document {
  const { document } = parseHTML(html);
  // Without <html>, linkedom makes the first element the root (or finds none).
  if (document.documentElement?.localName === 'html' && document.body) return document as unknown as Document;
  return parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`).document as unknown as Document;
}

/** Boxes labelled as chrome, unless the label is on a wrapper holding most of the page ("story ad-free"). */
function removeChromeBoxes(document: Document): void {
  const total = countWords(document.body?.textContent ?? '');
  for (const el of [...document.querySelectorAll('[class], [id]')]) {
    // CSS-module names ("CookieBanner_x7Yz") are split like kebab-case ones ("cookie-banner").
    const label = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.replace(/(\p{Ll})(\p{Lu})/gu, '$1-$2');
    if (!CHROME_CLASS.test(label) || !el.parentNode) continue;
    if (countWords(el.textContent ?? '') > 0.5 * total) continue;
    el.remove();
  }
}

/** The headline is kept apart; a copy of it at the top of the text would only double every edit. */
function dropLeadingTitle(paragraphs: string[], title: string): string[] {
  return paragraphs.length > 1 && paragraphs[0] === title ? paragraphs.slice(1) : paragraphs;
}
