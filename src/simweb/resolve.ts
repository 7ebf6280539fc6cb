/**
 * The pure core of the simulated web: given a host's spec, a request and the round, decide the
 * answer (status, headers, body) or the failure (hang, reset). The server only carries it out.
 */
import { createHash } from 'node:crypto';
import { encodeHtml } from './payloads.js';
import type { Noise } from './noise.js';
import { botChallengePage, clientRedirectPage, errorBody, frontPage, notFoundPage, parkedPage } from './pages.js';
import { renderArticle } from './templates/index.js';
import { siteNameFor, type Site } from './templates/chrome.js';
import type { Behaviour, HostSpec, Location, PageContext, PageSpec } from './types.js';

export type Body = { type: 'bytes'; data: Uint8Array } | { type: 'large'; bytes: number } | { type: 'gzipBomb'; inflatedBytes?: number };
export type Plan =
  | {
      kind: 'respond';
      status: number;
      headers: Record<string, string>;
      body?: Body;
      delayMs?: number;
      trickle?: { chunkBytes: number; intervalMs: number };
    }
  | { kind: 'hang' }
  | { kind: 'reset' };

export type RequestInput = {
  hostName: string;
  host: HostSpec;
  method: string;
  path: string;
  round: number;
  hit: number;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  noise: Noise;
  urlFor: (host: string, path: string) => string;
};

const DEFAULT_SECTIONS = ['politics', 'business', 'world', 'opinion'];

export function evaluatePage(page: PageSpec, ctx: PageContext): Behaviour {
  if (typeof page === 'function') return page(ctx);
  if (page.kind === 'rounds') return evaluatePage(page.rounds[Math.min(ctx.round, page.rounds.length - 1)], ctx);
  if (page.kind === 'sequence') return evaluatePage(page.steps[Math.min(ctx.hit, page.steps.length - 1)], ctx);
  return page;
}

/** The article a page shows in a round, looking past transient failures at its first requests. */
function articleIn(page: PageSpec, round: number): Extract<Behaviour, { kind: 'article' }> | undefined {
  for (let hit = 0; hit < 4; hit++) {
    let b = evaluatePage(page, { round, hit });
    while (b.kind === 'slow') b = b.then;
    if (b.kind === 'article') return b;
  }
  return undefined;
}

export function etagOf(b: Extract<Behaviour, { kind: 'article' }>): string {
  const key = JSON.stringify([
    b.template,
    b.skin ?? 'classic',
    b.charset ?? null,
    !!b.paywall,
    b.article,
    ...(b.breaksBrowser ? [b.breaksBrowser] : []),
  ]);
  return `W/"${createHash('sha1').update(key).digest('hex').slice(0, 20)}"`;
}

/** Last-Modified: the published day plus the first round since which the content has not changed. */
function lastModifiedOf(page: PageSpec, round: number, etag: string, published: string): Date {
  let since = round;
  while (since > 0) {
    const earlier = articleIn(page, since - 1);
    if (!earlier || etagOf(earlier) !== etag) break;
    since--;
  }
  const base = Date.parse(`${published}T12:00:00Z`);
  return new Date((Number.isFinite(base) ? base : Date.UTC(2024, 0, 1)) + since * 86_400_000);
}

const sitesByHost = new WeakMap<HostSpec, Site>();
export function siteOf(hostName: string, host: HostSpec): Site {
  let site = sitesByHost.get(host);
  if (!site) {
    const sections = new Set<string>();
    for (const page of Object.values(host.pages)) {
      const a = articleIn(page, 0)?.article.section;
      if (a) sections.add(a);
    }
    for (const s of DEFAULT_SECTIONS) if (sections.size < 4) sections.add(s);
    site = { name: siteNameFor(hostName), host: hostName, sections: [...sections] };
    sitesByHost.set(host, site);
  }
  return site;
}

function findPage(host: HostSpec, path: string): PageSpec | undefined {
  const pathname = path.split('?')[0];
  const candidates = [path, pathname];
  for (const c of [path, pathname]) {
    try {
      candidates.push(decodeURI(c));
    } catch {
      /* malformed escapes: only the raw form can match */
    }
  }
  for (const c of candidates) if (Object.hasOwn(host.pages, c)) return host.pages[c];
  return undefined;
}

function html(status: number, text: string, extra: Record<string, string> = {}): Plan {
  return {
    kind: 'respond',
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...extra },
    body: { type: 'bytes', data: Buffer.from(text, 'utf8') },
  };
}

function locate(req: RequestInput, location: Location): string {
  if (typeof location !== 'string') return req.urlFor(location.host, location.path);
  return /^https?:/i.test(location) ? location : req.urlFor(req.hostName, location);
}

export function resolveRequest(req: RequestInput): Plan {
  const { host, path, round, noise } = req;
  const site = siteOf(req.hostName, host);
  const chrome = { site, noise, skin: 'classic' as const, path };
  if (host.parkedFromRound !== undefined && round >= host.parkedFromRound) return html(200, parkedPage(req.hostName, noise));
  const pathname = path.split('?')[0];
  if (pathname === '/robots.txt') {
    if (host.robotsTxt === undefined)
      return {
        kind: 'respond',
        status: 404,
        headers: { 'content-type': 'text/plain' },
        body: { type: 'bytes', data: Buffer.from('Not Found\n') },
      };
    return {
      kind: 'respond',
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: { type: 'bytes', data: Buffer.from(host.robotsTxt, 'utf8') },
    };
  }
  const page = findPage(host, path);
  if (page) return planBehaviour(req, evaluatePage(page, { round, hit: req.hit }), page);
  const section = site.sections.find((s) => pathname === `/${s}/` || pathname === `/${s}`);
  if (pathname === '/' || section) return frontPlan(req, section);
  if (host.notFound) return planBehaviour(req, evaluatePage(host.notFound, { round, hit: req.hit }), undefined);
  return html(404, notFoundPage(chrome));
}

/** A front or section page listing the host's articles of this round. */
function frontPlan(req: RequestInput, section?: string, title?: string): Plan {
  const site = siteOf(req.hostName, req.host);
  const all = Object.entries(req.host.pages).flatMap(([p, spec]) => {
    const a = articleIn(spec, req.round);
    return a ? [{ path: p, title: a.article.headline, section: a.article.section }] : [];
  });
  // A section with no story of its own this round shows the site's latest, as fronts do.
  const own = all.filter((l) => l.section === section);
  const links = (section && own.length > 0 ? own : all).map(({ path, title }) => ({ path, title }));
  const heading = title ?? (section ? section.charAt(0).toUpperCase() + section.slice(1) : site.name);
  return html(200, frontPage({ site, noise: req.noise, skin: 'classic', path: req.path }, heading, links));
}

function planBehaviour(req: RequestInput, b: Behaviour, page: PageSpec | undefined): Plan {
  const { noise } = req;
  const site = siteOf(req.hostName, req.host);
  const chrome = { site, noise, skin: 'classic' as const, path: req.path };
  switch (b.kind) {
    case 'article': {
      const etag = etagOf(b);
      const lastModified = page
        ? lastModifiedOf(page, req.round, etag, b.article.published)
        : new Date(Date.parse(`${b.article.published}T12:00:00Z`) || 0);
      const validators = { etag, 'last-modified': lastModified.toUTCString(), 'cache-control': 'private, max-age=0, must-revalidate' };
      if (notModified(req, etag, lastModified)) return { kind: 'respond', status: 304, headers: validators };
      const rendered = renderArticle(b.template, {
        article: b.article,
        skin: b.skin ?? 'classic',
        site,
        noise,
        paywall: b.paywall,
        path: req.path,
      });
      const cookie = { 'set-cookie': `sid=${noise.csrfToken}; Path=/; HttpOnly`, 'x-request-id': noise.requestId };
      if (typeof rendered.body !== 'string') {
        return {
          kind: 'respond',
          status: 200,
          headers: { 'content-type': rendered.contentType, ...validators },
          body: { type: 'bytes', data: rendered.body },
        };
      }
      const encoded = encodeHtml(breakBrowser(req, rendered.body, b.breaksBrowser), b.charset);
      return {
        kind: 'respond',
        status: 200,
        headers: { 'content-type': encoded.contentType, ...validators, ...cookie },
        body: { type: 'bytes', data: encoded.body },
      };
    }
    case 'redirect':
      return {
        kind: 'respond',
        status: b.status,
        headers: { location: locate(req, b.location), 'content-type': 'text/html' },
        body: { type: 'bytes', data: Buffer.from(`<html><body>Moved: <a href="${locate(req, b.location)}">here</a></body></html>`) },
      };
    case 'clientRedirect':
      return html(200, clientRedirectPage(chrome, locate(req, b.location)));
    case 'status': {
      const headers: Record<string, string> = { 'content-type': b.contentType ?? 'text/html; charset=utf-8', ...b.headers };
      if (b.retryAfter !== undefined) headers['retry-after'] = String(b.retryAfter);
      const body = b.body ?? (b.status === 404 ? notFoundPage(chrome) : errorBody(b.status));
      return { kind: 'respond', status: b.status, headers, body: { type: 'bytes', data: Buffer.from(body, 'utf8') } };
    }
    case 'slow': {
      const inner = planBehaviour(req, b.then, page);
      return inner.kind === 'respond' ? { ...inner, delayMs: b.delayMs, trickle: b.trickle } : inner;
    }
    case 'hang':
    case 'reset':
      return { kind: b.kind };
    case 'large':
      return {
        kind: 'respond',
        status: 200,
        headers: { 'content-type': b.contentType ?? 'text/html; charset=utf-8', 'content-length': String(b.bytes) },
        body: { type: 'large', bytes: b.bytes },
      };
    case 'gzipBomb':
      return {
        kind: 'respond',
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' },
        body: { type: 'gzipBomb', inflatedBytes: b.inflatedBytes },
      };
    case 'parked':
      return html(200, parkedPage(req.hostName, noise));
    case 'soft404':
      return html(200, notFoundPage(chrome));
    case 'botChallenge':
      return html(b.status ?? 403, botChallengePage(req.hostName, noise), {
        server: 'cloudflare',
        'cf-mitigated': 'challenge',
        'cf-ray': noise.requestId.slice(0, 16),
      });
    case 'front':
      return frontPlan(req, undefined, b.title);
    case 'raw':
      return {
        kind: 'respond',
        status: b.status,
        headers: b.headers ?? {},
        body: { type: 'bytes', data: typeof b.body === 'string' ? Buffer.from(b.body, 'utf8') : b.body },
      };
  }
}

/** The article's HTML with what makes a browser's render of it fail (see Behaviour breaksBrowser). */
function breakBrowser(req: RequestInput, html: string, how: Extract<Behaviour, { kind: 'article' }>['breaksBrowser']): string {
  if (!how) return html;
  const script =
    how === 'blank' ? `<script>location.replace('about:blank');</script>` : `<script src="${locate(req, how.stall)}"></script>`;
  return html.replace('</head>', `${script}</head>`);
}

function notModified(req: RequestInput, etag: string, lastModified: Date): boolean {
  if (req.ifNoneMatch) {
    const weak = (t: string): string => t.trim().replace(/^W\//, '');
    return req.ifNoneMatch.split(',').some((t) => t.trim() === '*' || weak(t) === weak(etag));
  }
  if (req.ifModifiedSince) {
    const since = Date.parse(req.ifModifiedSince);
    return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
  }
  return false;
}
