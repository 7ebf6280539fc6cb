import { existsSync } from 'node:fs';
import os from 'node:os';
import type { Browser, BrowserContext, Page, Request, Response } from 'playwright';
import type { PrivateAllowance } from '../net/addressPolicy.js';
import { launchIsolated } from './browserLaunch.js';
import { passTimings } from './passTimings.js';
import { REFUSED_HEADER, startBrowserProxy, type BrowserProxy, type ProxySession } from './browserProxy.js';
import { resolveTarget, type Resolver } from './resolveTarget.js';

export { CHROMIUM_ARGS } from './browserLaunch.js';

export type RenderRequest = {
  url: string;
  /** The bytes the HTTP fetch already got: the browser is handed these instead of asking again. */
  document?: { status: number; headers: Record<string, string>; body: Uint8Array };
  screenshot: boolean;
  /** The pass's stop signal: a render still waiting for a slot when the pass stops is not started. */
  signal?: AbortSignal;
};

export type RenderResult =
  | {
      ok: true;
      status: number | null;
      finalUrl: string;
      redirects: { url: string; status: number }[];
      headers: Record<string, string>;
      /** The document as the server sent it (navigate mode only). */
      raw: Buffer | null;
      html: string;
      screenshot: Buffer | null;
    }
  | { ok: false; message: string };

/** What a text capture never reads: pictures, styling, captions, manifests, event streams (which would hold a gate turn open). */
const UNNEEDED = new Set(['image', 'font', 'media', 'stylesheet', 'texttrack', 'manifest', 'eventsource']);
const STYLING = new Set(['image', 'font', 'media', 'stylesheet']);
/** Requests whose answer may still change the page's text: it has not settled while one is open. */
const PENDING_KINDS = new Set(['document', 'xhr', 'fetch', 'script']);
/** The page's text is taken once it has not changed for this long with nothing pending (no fixed network-idle wait). */
const QUIET_MS = 250;
/** Visible text past which a script still loading (analytics, ads) is not waited for: the article is there. */
const SHOWN_CHARS = 500;
const SETTLE_MAX_MS = 5000;
/** A browser that keeps dying is not started again and again within one renderer's life. */
const MAX_LAUNCHES = 4;

/**
 * How many pages render at once: a render is mostly waiting (for its host's gate turns and the
 * network) and uses a third to a half of its wall time in CPU, so three per core keep the cores busy;
 * each holds a renderer process of up to ~250 MiB, so free memory bounds them too. Pure.
 */
export function renderSlots(cores: number, freeBytes: number): number {
  return Math.max(1, Math.min(12, cores * 3, Math.floor(freeBytes / (256 * 2 ** 20))));
}

export type RendererOptions = {
  executable: string;
  resolver: Resolver;
  allowPrivateNetwork: PrivateAllowance;
  userAgent: string;
  timeoutMs: number;
  /** What one render may download in all (bytes through the proxy); past it the render is abandoned. */
  maxBytes?: number;
  /** The politeness gate: every request the browser sends waits its turn like an HTTP hop; `signal` stops the wait. */
  acquire(host: string, signal: AbortSignal): Promise<() => void>;
  /** robots.txt of a host a redirect inside the render leads to: true, or why not. */
  robotsAllow?(url: URL): Promise<true | string>;
};

/**
 * Renders pages in Debian's Chromium, started on first use, one incognito context per render.
 * All of the browser's traffic goes through citewatch's own proxy (browserProxy.ts), which enforces
 * the address policy on every connection and hop; the route handler below is a second line.
 */
export function createBrowserRenderer(options: RendererOptions & { slots?: number }) {
  type Started = { browser: Browser; proxy: BrowserProxy; isolation: string; cleanup(): void };
  let started: Promise<Started> | null = null;
  let launches = 0;
  let closing = false;
  const size = options.slots ?? renderSlots(os.availableParallelism(), os.freemem());
  let slots = size;
  const waiting: (() => void)[] = [];
  const start = async (): Promise<Started> => {
    launches++;
    const proxy = await startBrowserProxy({
      resolver: options.resolver,
      allowance: options.allowPrivateNetwork,
      acquire: options.acquire,
      robotsAllow: options.robotsAllow,
    });
    try {
      const s = { proxy, ...(await launchIsolated(options.executable, proxy.server)) };
      // One long-lived browser: it is started again only if it dies, and the reason is recorded.
      s.browser.once('disconnected', () => {
        if (closing) return;
        passTimings.launches.push({ at: Date.now(), reason: 'the browser disconnected (crashed or was killed)' });
        if (launches < MAX_LAUNCHES) started = null;
        void s.proxy.close().finally(() => s.cleanup());
      });
      return s;
    } catch (err) {
      await proxy.close();
      throw err;
    }
  };

  async function renderIn(browser: Browser, proxy: BrowserProxy, req: RenderRequest): Promise<RenderResult> {
    const session = proxy.open(options.maxBytes ?? Infinity);
    let context: BrowserContext | null = null;
    let timer: NodeJS.Timeout | undefined;
    try {
      context = await browser.newContext({
        proxy: { server: proxy.server, username: session.username, password: session.password },
        serviceWorkers: 'block',
        acceptDownloads: false,
        userAgent: options.userAgent,
      });
      // WebSockets never connect: the proxy would check them too, but a page has no business with them.
      await context.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'not while archiving' }));
      const page = await context.newPage();
      await page.route('**/*', (route) => routeRequest(page, route.request(), route, session, req));
      const work = navigate(page, session, req);
      // Every render ends, whatever hangs; the timer is cleared so it never holds the process.
      const giveUp = new Promise<RenderResult>(
        (resolve) =>
          (timer = setTimeout(() => resolve({ ok: false, message: 'the browser did not answer in time' }), options.timeoutMs + 15_000)),
      );
      const tooBig = new Promise<RenderResult>((resolve) =>
        session.overSignal.addEventListener('abort', () => resolve(overCap()), { once: true }),
      );
      work.catch(() => {});
      return await Promise.race([work, giveUp, tooBig]);
    } catch (err) {
      return { ok: false, message: (err as Error).message.split('\n')[0].slice(0, 500) };
    } finally {
      clearTimeout(timer);
      session.close();
      await context?.close().catch(() => {});
    }
  }

  const overCap = (): RenderResult => ({
    ok: false,
    message: `the page downloaded more than ${options.maxBytes} bytes; rendering stopped`,
  });

  async function routeRequest(page: Page, r: Request, route: import('playwright').Route, session: ProxySession, req: RenderRequest) {
    const abort = () => route.abort('blockedbyclient').catch(() => {});
    if (session.closed) return abort();
    if (req.document && r.isNavigationRequest() && r.frame() === page.mainFrame() && r.url() === req.url) {
      const { status, headers, body } = req.document;
      return route.fulfill({ status, headers, body: Buffer.from(body) }).catch(() => {});
    }
    // Text comes from the DOM; pictures and styling only matter for a screenshot.
    if (UNNEEDED.has(r.resourceType()) && !(req.screenshot && STYLING.has(r.resourceType()))) return abort();
    let url: URL;
    try {
      url = new URL(r.url());
    } catch {
      return abort();
    }
    if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue().catch(() => {});
    const target = await resolveTarget(url, options.resolver, options.allowPrivateNetwork);
    if (!target.ok) return abort();
    if (url.protocol === 'http:') {
      // The page asked for this URL itself (not a redirect hop); the proxy takes its gate turn.
      session.routed.add(url.href);
      return route.continue().catch(() => {});
    }
    // HTTPS travels in tunnels the proxy cannot look into: its turn at the gate is taken here.
    let release: () => void;
    try {
      release = await options.acquire(url.host, session.signal);
    } catch {
      return abort();
    }
    if (session.closed) return (release(), abort());
    const turns = turnsOf(page, session);
    turns.set(r, release);
    return route.continue().catch(() => turns.get(r)?.());
  }

  /** Gate turns held by a page's HTTPS requests: given back when each ends, or all when the render ends. */
  const turnMaps = new WeakMap<Page, Map<Request, () => void>>();
  function turnsOf(page: Page, session: ProxySession): Map<Request, () => void> {
    let turns = turnMaps.get(page);
    if (!turns) {
      const map = (turns = new Map<Request, () => void>());
      const done = (r: Request) => (map.get(r)?.(), map.delete(r));
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      session.signal.addEventListener('abort', () => (map.forEach((release) => release()), map.clear()), { once: true });
      turnMaps.set(page, map);
    }
    return turns;
  }

  async function navigate(page: Page, session: ProxySession, req: RenderRequest): Promise<RenderResult> {
    let main: Response | null = null;
    page.on('response', (r) => {
      if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) main = r;
    });
    const pending = pendingRequests(page);
    const response = await page.goto(req.url, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs });
    await settled(page, pending, Math.min(SETTLE_MAX_MS, options.timeoutMs));
    if (session.overLimit) return overCap();
    const last = (main ?? response) as Response | null;
    const refused = last ? (await last.allHeaders())[REFUSED_HEADER] : undefined;
    if (refused) return { ok: false, message: `the page led to a refused request: ${decodeURIComponent(refused)}` };
    if (!/^https?:/.test(page.url()))
      return {
        ok: false,
        message: `the page ended on ${page.url().slice(0, 200)}${session.refusals.length ? ` (${session.refusals[0]})` : ''}`,
      };
    const redirects: { url: string; status: number }[] = [];
    for (let r = response?.request().redirectedFrom(); r; r = r.redirectedFrom())
      redirects.unshift({ url: r.url(), status: (await r.response())?.status() ?? 0 });
    if (response) redirects.push({ url: response.url(), status: response.status() });
    return {
      ok: true,
      status: response?.status() ?? null,
      finalUrl: page.url(),
      redirects,
      headers: response ? await response.allHeaders() : {},
      raw: req.document || !response ? null : await response.body().catch(() => null),
      html: await page.content(),
      screenshot: req.screenshot ? await page.screenshot({ fullPage: true, type: 'png' }) : null,
    };
  }

  return {
    async render(req: RenderRequest): Promise<RenderResult> {
      if (!existsSync(options.executable))
        return { ok: false, message: `no browser at ${options.executable} (set browserExecutable or install chromium)` };
      if (slots === 0) await new Promise<void>((resolve) => waiting.push(resolve));
      else slots--;
      const freeSlot = () => {
        const next = waiting.shift();
        if (next) next();
        else slots++;
      };
      if (req.signal?.aborted) {
        freeSlot();
        return { ok: false, message: 'the pass was stopped before this page was rendered' };
      }
      const t0 = performance.now();
      passTimings.renderSlots = size;
      passTimings.rendersAtOncePeak = Math.max(passTimings.rendersAtOncePeak, size - slots);
      try {
        const { browser, proxy } = await (started ??= start());
        return await renderIn(browser, proxy, req);
      } catch (err) {
        return { ok: false, message: (err as Error).message.split('\n')[0].slice(0, 500) };
      } finally {
        passTimings.renders++;
        passTimings.renderMs += performance.now() - t0;
        freeSlot();
      }
    },
    /** How the browser runs on this machine (sandbox, user), once it has started. */
    async isolation(): Promise<string | null> {
      return started ? ((await started.catch(() => null))?.isolation ?? null) : null;
    },
    async close(): Promise<void> {
      closing = true;
      const s = await started?.catch(() => null);
      started = null;
      if (!s) return;
      await s.browser.close().catch(() => {});
      await s.proxy.close();
      s.cleanup();
    },
  };
}

/** The requests of a page that may still bring or build text, counted as they open and end. */
function pendingRequests(page: Page): Set<Request> {
  const open = new Set<Request>();
  page.on('request', (r) => PENDING_KINDS.has(r.resourceType()) && open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return open;
}

/**
 * Waits until the page's text has settled: its visible length unchanged for QUIET_MS with no
 * document or data request open (nor a script, while the page still shows next to nothing), or
 * `maxMs` at most. A page built by an inline script settles at once; one that fetches its article
 * waits for it, and no longer; analytics still queued at the host gate are not waited for.
 */
async function settled(page: Page, pending: Set<Request>, maxMs: number): Promise<void> {
  const end = performance.now() + maxMs;
  let last = -1;
  let quietSince = performance.now();
  while (performance.now() < end) {
    // A navigation in progress destroys the context: that is a change, not an error.
    // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees settling, hidden templates left out
    const length = await page.evaluate(() => document.body?.innerText.length ?? 0).catch(() => -1);
    const now = performance.now();
    const busy = [...pending].some((r) => r.resourceType() !== 'script' || length < SHOWN_CHARS);
    if (length !== last || length < 0 || busy) [last, quietSince] = [length, now];
    else if (now - quietSince >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type BrowserRenderer = ReturnType<typeof createBrowserRenderer>;
