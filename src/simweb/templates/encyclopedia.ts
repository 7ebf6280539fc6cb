/** An encyclopedia article: infobox, contents, sections, numbered references. */
import { classer, document, esc, footer, head, type RenderInput } from './chrome.js';

export function renderEncyclopedia(input: RenderInput): string {
  const { article, skin, noise } = input;
  const c = classer(skin);
  const paras = article.paragraphs;
  const cut = Math.max(1, Math.ceil(paras.length / 2));
  const refs = paras
    .map(
      (_, i) =>
        `<li id="cite_note-${i + 1}"><span class="${c('reference-text')}">“${esc(article.headline)}”, part ${i + 1}. ${esc(article.byline)}. Retrieved ${article.published}.</span></li>`,
    )
    .join('');
  const cite = (i: number): string => `<sup class="${c('reference')}"><a href="#cite_note-${i + 1}">[${i + 1}]</a></sup>`;
  const section = (title: string, list: string[], offset: number): string =>
    `<h2><span class="${c('mw-headline')}" id="${title.replace(/ /g, '_')}">${title}</span><span class="${c('mw-editsection')}">[<a href="?action=edit&section=${offset}">edit</a>]</span></h2>\n` +
    list.map((p, i) => `<p>${esc(p)}${cite(offset + i)}</p>`).join('\n');
  const infobox = `<table class="${c('infobox')}"><caption>${esc(article.headline)}</caption><tbody>
<tr><th>Date</th><td>${article.published}</td></tr><tr><th>Reported by</th><td>${esc(article.byline)}</td></tr><tr><th>Category</th><td>${esc(article.section ?? 'Politics')}</td></tr></tbody></table>`;
  const toc = `<div id="toc" class="${c('toc')}"><h2>Contents</h2><ul><li><a href="#Background">1 Background</a></li><li><a href="#Developments">2 Developments</a></li><li><a href="#References">3 References</a></li></ul></div>`;
  const content = `<div id="mw-content-text" class="${c('mw-parser-output')}">${infobox}
<p><b>${esc(article.headline)}</b></p>${toc}
${section('Background', paras.slice(0, cut), 0)}
${section('Developments', paras.slice(cut), cut)}
<h2 id="References">References</h2><ol class="${c('references')}">${refs}</ol></div>`;
  const chrome = `<div id="siteNotice" class="${c('site-notice')}">Please donate today: ${noise.views.toLocaleString('en-US')} readers gave this week.</div>
<div class="${c('vector-header')}"><a href="/wiki/Main_Page">${esc(input.site.name)}</a><form action="/w/index.php"><input name="search" placeholder="Search"><input type="hidden" name="wpEditToken" value="${noise.csrfToken}"></form></div>`;
  const lastEdited = `<div id="footer-info-lastmod">This page was last edited on ${noise.nowIso.slice(0, 10)}, at ${noise.nowIso.slice(11, 16)} (UTC).</div>`;
  const body =
    skin === 'classic'
      ? `${chrome}<div id="content" class="${c('mw-body')}"><h1 id="firstHeading">${esc(article.headline)}</h1><div id="siteSub">From ${esc(input.site.name)}, the free encyclopedia</div>${content}</div>${lastEdited}`
      : `<div class="${c('page-container')}">${chrome}<nav class="${c('sidebar')}"><a href="/wiki/Special:Random">Random article</a></nav><main class="${c('mw-body')}"><header><h1 class="${c('first-heading')}">${esc(article.headline)}</h1></header>${content}</main></div>${lastEdited}`;
  return document('en', head(article.headline, input), c('mediawiki'), `${body}${footer(input)}`);
}
