/** A personal or small-outlet blog (WordPress-like): post header, tags, comments, widgets. */
import {
  ad,
  classer,
  cookieBanner,
  document,
  esc,
  footer,
  head,
  mostRead,
  paywallBox,
  updatedLine,
  visibleParagraphs,
  type RenderInput,
} from './chrome.js';

export function renderBlog(input: RenderInput): string {
  const { article, skin, noise, site } = input;
  const c = classer(skin);
  const body = visibleParagraphs(input)
    .map((p) => `<p>${esc(p)}</p>`)
    .join('\n');
  const comments = `<section id="comments" class="${c('comments-area')}"><h2>${noise.views % 97} comments</h2>
<form action="/wp-comments-post.php" method="post"><textarea name="comment"></textarea><input type="hidden" name="_wpnonce" value="${noise.nonce}"><button>Post comment</button></form></section>`;
  const post = `<article class="${c('post')} ${c('type-post')}">
<header class="${c('entry-header')}"><h1 class="${c('entry-title')}">${esc(article.headline)}</h1>
<div class="${c('entry-meta')}">Posted on <time class="${c('entry-date')}" datetime="${article.published}">${article.published}</time> by <span class="${c('author')} vcard">${esc(article.byline)}</span> · ${updatedLine(input)}</div></header>
<div class="${c('entry-content')}">
${body}
</div>${paywallBox(input)}
<footer class="${c('entry-footer')}">Posted in <a href="/category/${article.section ?? 'news'}/">${esc(article.section ?? 'news')}</a></footer></article>`;
  const sidebar = `<aside id="secondary" class="${c('widget-area')}"><section class="${c('widget')}"><h2>About</h2><p>${esc(site.name)} is an independent blog.</p></section>${mostRead(input)}${ad(input, 0)}</aside>`;
  const header = `<header id="masthead" class="${c('site-header')}"><p class="${c('site-title')}"><a href="/">${esc(site.name)}</a></p><p class="${c('site-description')}">Notes and analysis</p></header>`;
  const layout =
    skin === 'classic'
      ? `${header}<div id="content" class="${c('site-content')}"><main id="main">${post}${comments}</main>${sidebar}</div>`
      : `<div class="${c('wp-site-blocks')}">${header}${sidebar}<main class="${c('wp-block-group')}">${post}${comments}</main></div>`;
  return document('en-US', head(article.headline, input), c('single-post'), `${cookieBanner(input)}${layout}${footer(input)}`);
}
