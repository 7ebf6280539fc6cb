/** Page chrome every HTML template shares: head, nav, cookie banner, ads, rails, footer, with two skins. */
import { hashString } from '../prng.js';
import type { Noise } from '../noise.js';
import type { Article, Skin } from '../types.js';

export type Site = { name: string; host: string; sections: string[] };
export type RenderInput = { article: Article; skin: Skin; site: Site; noise: Noise; paywall?: boolean; path: string };

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Class names: plain words in the classic skin, CSS-module style hashes in the redesign. */
export function classer(skin: Skin): (name: string) => string {
  if (skin === 'classic') return (name) => name;
  return (name) => `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}_${hashString(name).toString(36).slice(0, 5)}`;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .slice(0, 80);
}

export function siteNameFor(host: string): string {
  const core = host.replace(/^www\./, '').split('.')[0];
  return core
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

export function head(title: string, input: RenderInput, extra = ''): string {
  const { noise, site, skin } = input;
  const v = noise.cacheBust;
  return `<head>
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} | ${esc(site.name)}</title>
<meta name="csrf-token" content="${noise.csrfToken}">
<meta name="request-id" content="${noise.requestId}">
<meta property="og:site_name" content="${esc(site.name)}">
<meta property="og:title" content="${esc(title)}">
<link rel="stylesheet" href="/assets/${skin === 'classic' ? 'main' : 'app.bundle'}.css?v=${v}">
<link rel="preload" as="font" href="/assets/fonts/serif.woff2?v=${v}" crossorigin>
<script nonce="${noise.nonce}">window.dataLayer=window.dataLayer||[];dataLayer.push({event:"pageview",ts:${noise.nowMs},rid:"${noise.requestId}"});</script>
<script async src="/assets/vendor.js?v=${v}" nonce="${noise.nonce}"></script>
${extra}</head>`;
}

export function cookieBanner(input: RenderInput): string {
  const c = classer(input.skin);
  return `<div class="${c('cookie-banner')}" role="dialog" aria-label="Cookie consent" data-token="${input.noise.csrfToken.slice(0, 12)}">
<p>We use cookies and similar technologies to improve your experience, measure audiences and show you personalised ads. By clicking “Accept all” you agree to this.</p>
<button class="${c('cookie-accept')}">Accept all</button> <button class="${c('cookie-manage')}">Manage preferences</button></div>`;
}

export function nav(input: RenderInput): string {
  const c = classer(input.skin);
  const items = input.site.sections.map((s) => `<li><a href="/${s}/">${esc(s.charAt(0).toUpperCase() + s.slice(1))}</a></li>`).join('');
  const brand = `<a class="${c('brand')}" href="/">${esc(input.site.name)}</a>`;
  const tools = `<a href="/account/login?next=${encodeURIComponent(input.path)}">Sign in</a> <a class="${c('subscribe-cta')}" href="/subscribe">Subscribe</a>`;
  return input.skin === 'classic'
    ? `<header class="site-header">${brand}<nav class="nav"><ul>${items}</ul></nav><div class="tools">${tools}</div><div class="date">${input.noise.nowIso.slice(0, 10)}</div></header>`
    : `<div class="${c('top-bar')}"><div>${tools}</div></div><header class="${c('masthead')}"><nav aria-label="Sections"><ul class="${c('menu')}">${items}</ul></nav>${brand}</header>`;
}

export function ad(input: RenderInput, slot: number): string {
  const c = classer(input.skin);
  const id = input.noise.adSlots[slot % input.noise.adSlots.length];
  return `<aside class="${c('ad-slot')}" id="${id}" data-slot="${slot}"><span class="${c('ad-label')}">Advertisement</span><script nonce="${input.noise.nonce}">googletag.cmd.push(function(){googletag.display("${id}")});</script></aside>`;
}

export function mostRead(input: RenderInput): string {
  const c = classer(input.skin);
  const items = input.noise.mostRead.map((t, i) => `<li><a href="/most-read/${i + 1}?ref=mr">${esc(t)}</a></li>`).join('');
  return `<section class="${c('most-read')}"><h2>Most read</h2><ol>${items}</ol></section>`;
}

export function related(input: RenderInput): string {
  const c = classer(input.skin);
  const section = input.article.section ?? input.site.sections[0] ?? 'news';
  const items = [1, 2, 3, 4]
    .map(
      (i) =>
        `<li><a href="/${section}/related-${hashString(input.path + i).toString(36)}">More ${esc(section)} coverage: part ${i}</a></li>`,
    )
    .join('');
  return `<section class="${c('related-stories')}"><h2>Related stories</h2><ul>${items}</ul></section>`;
}

export function footer(input: RenderInput): string {
  const c = classer(input.skin);
  const year = input.noise.nowIso.slice(0, 4);
  return `<footer class="${c('site-footer')}"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
<p>© ${year} ${esc(input.site.name)}. All rights reserved. Rendered ${input.noise.nowIso} · req ${input.noise.requestId}</p>
<script src="/assets/analytics.js?v=${input.noise.cacheBust}" nonce="${input.noise.nonce}" defer></script></footer>`;
}

export function updatedLine(input: RenderInput): string {
  return `Updated ${input.noise.updatedMinutesAgo} minutes ago · ${input.noise.views.toLocaleString('en-US')} views`;
}

/** The article text a paywall lets through. */
export function visibleParagraphs(input: RenderInput): string[] {
  return input.paywall ? input.article.paragraphs.slice(0, 1) : input.article.paragraphs;
}

export function paywallBox(input: RenderInput): string {
  if (!input.paywall) return '';
  const c = classer(input.skin);
  return `<div class="${c('paywall')}"><h3>Subscribe to continue reading</h3><p>You have reached your limit of free articles. Subscribe for unlimited access to ${esc(input.site.name)}, starting at $1 a week.</p><a class="${c('subscribe-cta')}" href="/subscribe?src=paywall">Subscribe now</a> <a href="/account/login">Already a subscriber? Sign in</a></div>`;
}

/**
 * A bundler runtime, as real app shells inline one: script weight with no text in it. `step` and
 * `key` vary the module table per kind of page; `ts`, when given, stamps each module (page noise).
 */
export function bundlerRuntime(nonce: string, step: number, key: string, ts?: number): string {
  const stamp = ts === undefined ? '' : `,ts:${ts}`;
  const modules = Array.from(
    { length: 60 },
    (_, i) =>
      `__w.m[${i}]=function(e,t,n){"use strict";n.r(t);var r=n(${(i * step) % 60}),o=n.n(r);t.default=function(x){return o()(x,{key:"${key}${i}"${stamp}})}};`,
  ).join('');
  return `<script nonce="${nonce}">!function(){var __w=window.__webpack_modules__={m:{}};${modules}}();</script>`;
}

export function document(lang: string, headHtml: string, bodyClass: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="${lang}">\n${headHtml}\n<body class="${bodyClass}">\n${body}\n</body>\n</html>\n`;
}
