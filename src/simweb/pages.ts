/** Pages that are not articles: branded "not found", parked domain, bot challenge, front/section pages. */
import { bundlerRuntime, classer, cookieBanner, document, esc, footer, head, mostRead, nav, type RenderInput } from './templates/chrome.js';
import type { Noise } from './noise.js';
import type { Site } from './templates/index.js';
import type { Skin } from './types.js';

type Chrome = { site: Site; noise: Noise; skin: Skin; path: string };

function asInput(ctx: Chrome, title: string): RenderInput {
  return { ...ctx, article: { headline: title, byline: '', published: '', paragraphs: [] } };
}

/** What both a real 404 and a soft-404 look like; only the status differs. */
export function notFoundPage(ctx: Chrome): string {
  const input = asInput(ctx, 'Page not found');
  const c = classer(ctx.skin);
  const body = `<main class="${c('error-page')}"><h1>Page not found</h1>
<p>Sorry, we couldn’t find the page you were looking for (${esc(ctx.path)}). It may have been moved or deleted.</p>
<form action="/search"><input name="q" placeholder="Search ${esc(ctx.site.name)}"><button>Search</button></form>
<p><a href="/">Return to the homepage</a></p></main>`;
  return document(
    'en',
    head('Page not found', input),
    c('error404'),
    `${cookieBanner(input)}${nav(input)}${body}${mostRead(input)}${footer(input)}`,
  );
}

export function frontPage(ctx: Chrome, title: string, links: { path: string; title: string }[]): string {
  const input = asInput(ctx, title);
  const c = classer(ctx.skin);
  const items = links.map((l) => `<li class="${c('story-card')}"><a href="${esc(l.path)}">${esc(l.title)}</a></li>`).join('\n');
  const body = `<main class="${c('front')}"><h1>${esc(title)}</h1><ul class="${c('river')}">\n${items}\n</ul></main>`;
  return document(
    'en',
    head(title, input),
    c('front-page'),
    `${cookieBanner(input)}${nav(input)}${body}${mostRead(input)}${footer(input)}`,
  );
}

/**
 * An app shell that sends the browser elsewhere at once, as a single-page app's router does; with the
 * bundler weight of one, so that a crawler reading it over HTTP knows it needs a browser.
 */
export function clientRedirectPage(ctx: Chrome, to: string): string {
  const input = asInput(ctx, ctx.site.name);
  return document(
    'en',
    head(ctx.site.name, input),
    'app',
    `<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
${bundlerRuntime(ctx.noise.nonce, 13, 'r')}
<script nonce="${ctx.noise.nonce}">window.__APP_CONFIG__={"build":"${ctx.noise.buildId}"};location.replace(${JSON.stringify(to)});</script>`,
  );
}

export function parkedPage(host: string, noise: Noise): string {
  const ads = ['Cheap Flights', 'Online Degree Programs', 'Car Insurance Quotes', 'Web Hosting', 'Credit Cards', 'Dating Sites']
    .map((t, i) => `<li><a href="/lander?q=${encodeURIComponent(t)}&sid=${noise.adSlots[i % 4]}" rel="nofollow">${t}</a></li>`)
    .join('');
  return `<!DOCTYPE html><html><head><title>${esc(host)} - This domain may be for sale</title>
<meta name="robots" content="noindex"><script src="https://parking.registrar.sim/js/caf.js?abp=1&t=${noise.cacheBust}"></script></head>
<body class="parked"><div class="domain"><h1>${esc(host)}</h1><p>This domain may be for sale. <a href="/buy?domain=${esc(host)}">Buy this domain</a></p></div>
<div class="related-links"><h2>Related Searches</h2><ul>${ads}</ul></div>
<p class="footer">Copyright © ${noise.nowIso.slice(0, 4)} ParkingCrew Registrar Services. All rights reserved. <a href="/privacy">Privacy Policy</a> · ref ${noise.requestId}</p></body></html>\n`;
}

export function botChallengePage(host: string, noise: Noise): string {
  return `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="refresh" content="390">
<meta name="robots" content="noindex,nofollow"></head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">${esc(host)}</h1><h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">${esc(host)} needs to review the security of your connection before proceeding.</div>
<form id="challenge-form" action="/?__cf_chl_f_tk=${noise.csrfToken}" method="POST"><input type="hidden" name="md" value="${noise.nonce}${noise.cacheBust}"></form></div></div>
<script>(function(){window._cf_chl_opt={cvId:'3',cZone:"${esc(host)}",cType:'managed',cRay:'${noise.requestId.slice(0, 16)}',cH:'${noise.buildId}'};})();</script>
<div class="footer" role="contentinfo">Ray ID: <code>${noise.requestId.slice(0, 16)}</code> · Performance &amp; security by Cloudflare</div></body></html>\n`;
}

export function errorBody(status: number): string {
  const titles: Record<number, string> = {
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    410: 'Gone',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  const title = `${status} ${titles[status] ?? 'Error'}`;
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`;
}
