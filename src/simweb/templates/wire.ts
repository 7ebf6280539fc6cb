/** A wire service: lean pages, dateline, short paragraphs, reporting/editing credits. */
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

export function renderWire(input: RenderInput): string {
  const { article, skin } = input;
  const c = classer(skin);
  const paras = visibleParagraphs(input);
  const body = paras.map((p, i) => `<p class="${c('text')}" data-testid="paragraph-${i}">${esc(p)}</p>`).join('\n');
  const credits = `<p class="${c('credits')}">Reporting by ${esc(article.byline)}; Editing by the ${esc(input.site.name)} desk</p>`;
  const story = `<article class="${c('wire-story')}">
<h1 class="${c('title')}" data-testid="Heading">${esc(article.headline)}</h1>
<div class="${c('info')}"><span class="${c('byline')}">By ${esc(article.byline)}</span> <time datetime="${article.published}">${article.published}</time> <span class="${c('fresh')}">${updatedLine(input)}</span></div>
<div class="${c('body')}">${body}</div>${paywallBox(input)}${credits}
<p class="${c('standards')}"><a href="/trust-principles">Our Standards: The Trust Principles.</a></p></article>`;
  const layout =
    skin === 'classic'
      ? `${nav(input)}<main class="wire-main">${story}${ad(input, 0)}</main><aside class="wire-rail">${mostRead(input)}${related(input)}</aside>`
      : `${nav(input)}<main class="${c('container')}"><section class="${c('story-col')}">${story}</section><section class="${c('more-col')}">${related(input)}${mostRead(input)}${ad(input, 1)}</section></main>`;
  return document('en', head(article.headline, input), c('wire'), `${cookieBanner(input)}${layout}${footer(input)}`);
}
