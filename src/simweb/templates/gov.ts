/** A government press release: seal, "FOR IMMEDIATE RELEASE", contacts, "###". No ads, but banners and menus. */
import { classer, document, esc, footer, head, nav, related, type RenderInput } from './chrome.js';

export function renderGov(input: RenderInput): string {
  const { article, skin, noise } = input;
  const c = classer(skin);
  const banner = `<div class="${c('usa-banner')}">An official website of the United States government <button>Here’s how you know</button></div>`;
  const body = article.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n');
  const release = `<article class="${c('press-release')}">
<div class="${c('release-type')}">FOR IMMEDIATE RELEASE</div>
<div class="${c('release-date')}">${article.published}</div>
<h1 class="${c('page-title')}">${esc(article.headline)}</h1>
<div class="${c('field-body')}">
${body}
<p class="${c('end-mark')}">###</p></div>
<div class="${c('contact')}"><h2>Press contact</h2><p>${esc(article.byline)}, Office of Public Affairs</p><p>press@agency.sim · 202-555-0${noise.views % 1000}</p></div>
<div class="${c('page-meta')}">Page last reviewed: ${article.published} · Content generated ${noise.nowIso} · Session ${noise.csrfToken.slice(0, 10)}</div></article>`;
  const layout =
    skin === 'classic'
      ? `${banner}${nav(input)}<div class="${c('breadcrumbs')}"><a href="/">Home</a> › <a href="/news/">News</a> › Press Releases</div><main class="${c('usa-layout')}">${release}</main><aside>${related(input)}</aside>`
      : `${banner}<div class="${c('alert')}">Updated ${noise.updatedMinutesAgo} minutes ago: office hours have changed.</div>${nav(input)}<main class="${c('grid-container')}"><aside class="${c('sidenav')}">${related(input)}</aside>${release}</main>`;
  return document('en-US', head(article.headline, input), c('gov-page'), `${layout}${footer(input)}`);
}
