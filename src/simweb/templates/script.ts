/**
 * A client-rendered app: the HTML is a shell (<div id="root"></div>) and a script builds the article
 * with DOM calls. The text travels base64-encoded inside the script, so only a browser sees it.
 */
import { bundlerRuntime, classer, document, head, type RenderInput } from './chrome.js';

export function renderScript(input: RenderInput): string {
  const { article, skin, noise } = input;
  const c = classer(skin);
  const payload = Buffer.from(JSON.stringify({ ...article, paragraphs: article.paragraphs }), 'utf8').toString('base64');
  const rootId = skin === 'classic' ? 'root' : 'app';
  const script = `<script nonce="${noise.nonce}">
(function(){
  var data = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob("${payload}"), function(ch){ return ch.charCodeAt(0); })));
  var root = document.getElementById("${rootId}");
  var article = document.createElement("article"); article.className = "${c('story')}";
  var h1 = document.createElement("h1"); h1.textContent = data.headline; article.appendChild(h1);
  var by = document.createElement("p"); by.className = "${c('byline')}"; by.textContent = "By " + data.byline + " · " + data.published; article.appendChild(by);
  data.paragraphs.forEach(function(text){ var p = document.createElement("p"); p.textContent = text; article.appendChild(p); });
  root.appendChild(article);
  document.title = data.headline;
})();
</script>`;
  const shell = `${bundlerRuntime(noise.nonce, 7, 'm', noise.nowMs % 1000)}
<noscript>You need to enable JavaScript to run this app.</noscript><div id="${rootId}"></div>
<script nonce="${noise.nonce}">window.__APP_CONFIG__={"build":"${noise.buildId}","csrf":"${noise.csrfToken}","ts":${noise.nowMs}};</script>
<script src="/static/js/main.${noise.cacheBust}.js" defer></script>`;
  return document('en', head(input.site.name, input), c('app'), `${shell}\n${script}`);
}
