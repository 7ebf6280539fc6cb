/**
 * A client-rendered app that ships its content as data in the HTML, as Next.js and many CMS front
 * ends do: an empty mount point, the article in inline JSON (`__NEXT_DATA__` in the classic skin,
 * a JSON-LD NewsArticle with its articleBody in the redesign), and a script that builds the DOM from
 * that JSON. A browser shows the article; so does a reader of the JSON, without a browser.
 */
import { bundlerRuntime, classer, document, head, type RenderInput } from './chrome.js';

const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function renderAppShell(input: RenderInput): string {
  const { article, skin, noise } = input;
  const c = classer(skin);
  const data =
    skin === 'classic'
      ? `<script id="__NEXT_DATA__" type="application/json">${json({ props: { pageProps: { story: { headline: article.headline, byline: article.byline, published: article.published, paragraphs: article.paragraphs } } }, page: '/story/[slug]', buildId: noise.buildId })}</script>`
      : `<script type="application/ld+json">${json({ '@context': 'https://schema.org', '@type': 'NewsArticle', headline: article.headline, author: { '@type': 'Person', name: article.byline }, datePublished: article.published, articleBody: article.paragraphs.join('\n\n') })}</script>`;
  const read =
    skin === 'classic'
      ? 'var s=JSON.parse(document.getElementById("__NEXT_DATA__").textContent).props.pageProps.story;var ps=s.paragraphs;'
      : 'var s=JSON.parse(document.querySelector(\'script[type="application/ld+json"]\').textContent);s.byline=s.author.name;s.published=s.datePublished;var ps=s.articleBody.split("\\n\\n");';
  const build = `<script nonce="${noise.nonce}">(function(){${read}
  var root=document.getElementById("__next");var a=document.createElement("article");a.className="${c('story')}";
  var h=document.createElement("h1");h.textContent=s.headline;a.appendChild(h);
  var b=document.createElement("p");b.className="${c('byline')}";b.textContent="By "+s.byline+" · "+s.published;a.appendChild(b);
  ps.forEach(function(t){var p=document.createElement("p");p.textContent=t;a.appendChild(p);});root.appendChild(a);document.title=s.headline;})();</script>`;
  const body = `${bundlerRuntime(noise.nonce, 11, 'a', noise.nowMs % 1000)}
<div id="__next"></div>
${data}
${build}`;
  return document('en', head(input.site.name, input), c('app'), body);
}
