/** A big news site: heavy chrome and a large inline JSON state blob (like __NEXT_DATA__). */
import { rngFor } from '../prng.js';
import {
  ad,
  classer,
  cookieBanner,
  document,
  esc,
  footer,
  head,
  mostRead,
  nav,
  paywallBox,
  related,
  updatedLine,
  visibleParagraphs,
  type RenderInput,
} from './chrome.js';

const WORDS = [
  'market',
  'senate',
  'budget',
  'climate',
  'court',
  'election',
  'housing',
  'health',
  'energy',
  'trade',
  'police',
  'school',
  'tax',
  'union',
  'border',
];

/** Roughly 60-80 KB of JSON: the article plus a feed, as a React site ships its whole state. */
function stateBlob(input: RenderInput): string {
  const rng = rngFor(7, 'feed', input.path);
  const feed = Array.from({ length: 220 }, (_, i) => ({
    id: `${rng.hex(12)}`,
    kicker: rng.pick(WORDS),
    headline: `${rng.pick(WORDS)} ${rng.pick(WORDS)} story number ${i}`,
    url: `/${rng.pick(WORDS)}/${rng.hex(6)}`,
    image: { src: `https://static.example-cdn.sim/img/${rng.hex(16)}.jpg`, width: 1200, height: 800, alt: 'Photo' },
    tracking: { pos: i, list: 'river', ab: rng.pick(['a', 'b', 'c']) },
  }));
  const { article } = input;
  return JSON.stringify({
    props: {
      pageProps: {
        article: { ...article, paragraphs: visibleParagraphs(input), canonical: input.path, isPaywalled: !!input.paywall },
        feed,
        ads: { slots: input.noise.adSlots, targeting: { section: article.section ?? 'news', rid: input.noise.requestId } },
        meta: { renderedAt: input.noise.nowIso, views: input.noise.views },
      },
    },
    page: '/[section]/[...slug]',
    buildId: input.noise.buildId,
    runtimeConfig: { csrf: input.noise.csrfToken, features: { comments: true, liveBlog: false, newsletterModal: true } },
  }).replace(/</g, '\\u003c');
}

export function renderNews(input: RenderInput): string {
  const { article, skin } = input;
  const c = classer(skin);
  const paras = visibleParagraphs(input);
  const body = paras.map((p, i) => `<p class="${c('story-paragraph')}">${esc(p)}</p>${i === 2 ? ad(input, 1) : ''}`).join('\n');
  const blob =
    skin === 'classic'
      ? `<script id="__NEXT_DATA__" type="application/json">${stateBlob(input)}</script>`
      : `<script nonce="${input.noise.nonce}">window.__INITIAL_STATE__=${stateBlob(input)};</script>`;
  const meta = `<div class="${c('byline')}">By <span class="${c('author')}">${esc(article.byline)}</span></div>
<time class="${c('published')}" datetime="${article.published}">Published ${article.published}</time> <span class="${c('updated')}">${updatedLine(input)}</span>`;
  const story = `<article class="${c('story')}"><div class="${c('kicker')}"><a href="/${article.section ?? 'news'}/">${esc(article.section ?? 'news')}</a></div>
<h1 class="${c('headline')}">${esc(article.headline)}</h1>
${meta}
<div class="${c('story-body')}">
${body}
</div>${paywallBox(input)}
<div class="${c('share-tools')}"><a href="/share?u=${encodeURIComponent(input.path)}&t=${input.noise.nonce}">Share</a> <span>${input.noise.views} readers</span></div></article>`;
  const main =
    skin === 'classic'
      ? `${nav(input)}\n${ad(input, 0)}\n<main class="layout"><div class="main-column">${story}</div><div class="rail">${mostRead(input)}${ad(input, 2)}</div></main>\n${related(input)}`
      : `${nav(input)}\n<div class="${c('grid')}"><div class="${c('left-rail')}">${mostRead(input)}</div><main>${story}${related(input)}</main></div>\n${ad(input, 3)}`;
  return document('en', head(article.headline, input), c('article-page'), `${cookieBanner(input)}\n${main}\n${footer(input)}\n${blob}`);
}
