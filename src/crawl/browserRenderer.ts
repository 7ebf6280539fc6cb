import { existsSync } from 'node:fs';
import os from 'node:os';
import type { Browser, Request, Route } from 'playwright';
import type { PrivateAllowance } from '../net/addressPolicy.js';
import { closeLane, openLane, readyLane, releaseLane, wipeLane, type Lane } from './browserLane.js';
import { launchIsolated, rendererArgs } from './browserLaunch.js';
import { navigate, overCap, type RenderResult } from './browserPage.js';
import { newProxyLogin, startBrowserProxy, type BrowserProxy, type ProxySession } from './browserProxy.js';
import { renderVerdict } from './browserProxyCore.js';
import { passTimings } from './passTimings.js';
import { resolveTarget, type Resolver } from './resolveTarget.js';

export { CHROMIUM_ARGS } from './browserLaunch.js';

export type RenderRequest = {
  url: string;
  /** The bytes the HTTP fetch already got: the browser is handed these instead of asking again. */
  document?: { status: number; headers: Record<string, string>; body: Uint8Array };
  screenshot: boolean;
  /** The pass's stop signal: a render still waiting for a slot when the pass stops is not started. */
  signal?: AbortSignal;
  /** The time its host still needs in this pass (hostGate's workLeftMs): renders of the biggest hosts take a free slot first. */
  hostWorkLeftMs?: number;
};

export type { RenderResult } from './browserPage.js';

/** One try at a render, and whether its failure was citewatch's own (worth another try). */
type Attempt = { result: RenderResult; retry: boolean };

/** What a text capture never reads: pictures, styling, captions, manifests, event streams (which would hold a gate turn open). */
const UNNEEDED = new Set(['image', 'font', 'media', 'stylesheet', 'texttrack', 'manifest', 'eventsource']);
const STYLING = new Set(['image', 'font', 'media', 'stylesheet']);
/** A browser that keeps dying is not started again and again within one renderer's life. */
const MAX_LAUNCHES = 4;
/** How long, by default, a render's requests may wait in all for turns at the gate, in render timeouts. */
const GATE_WAIT_TIMEOUTS = 4;
/** How often a render's clock is looked at. */
const WATCH_MS = 100;
/** Beyond the page's load time, for its text to settle (browserPage.ts) and be read: a page that loaded just in time is kept. */
const READ_GRACE_MS = 15_000;

/**
 * How many pages render at once: a render is mostly waiting (for its host's gate turns and the
 * network) and, on a kept page, uses about a seventh of its wall time in CPU (docs/benchmarks.md), so
 * six per core keep the cores busy; each holds a renderer process of up to ~250 MiB, so free memory
 * bounds them too. Pure.
 */
export function renderSlots(cores: number, freeBytes: number): number {
  return Math.max(1, Math.min(12, cores * 6, Math.floor(freeBytes / (256 * 2 ** 20))));
}

export type RendererOptions = {
  executable: string;
  resolver: Resolver;
  allowPrivateNetwork: PrivateAllowance;
  userAgent: string;
  /** The page's own time to load and settle; time its requests spend queued at the gate is not counted. */
  timeoutMs: number;
  /** A server silent this long while the browser reads it is given up (config readTimeoutMs). */
  readTimeoutMs: number;
  /** How long a render's requests may wait for turns at the gate in all before it is given up as not attempted. */
  gateWaitMaxMs?: number;
  /** What one render may download in all (bytes through the proxy); past it the render is abandoned. */
  maxBytes?: number;
  /** The politeness gate: every request the browser sends waits its turn like an HTTP hop; `signal` stops the wait. */
  acquire(host: string, signal: AbortSignal): Promise<() => void>;
  /** robots.txt of a host a redirect inside the render leads to: true, or why not. */
  robotsAllow?(url: URL): Promise<true | string>;
  /** Pages of different sites may share the render slots' processes (browserLaunch.ts); default true. */
  sharedRenderers?: boolean;
};

/**
 * Renders pages in Debian's Chromium, started on first use; each render slot keeps a context and page
 * of its own, wiped between renders (browserLane.ts).
 * All of the browser's traffic goes through citewatch's own proxy (browserProxy.ts), which enforces
 * the address policy on every connection and hop; the route handler below is a second line.
 */
export function createBrowserRenderer(options: RendererOptions & { slots?: number }) {
  type Started = { browser: Browser; proxy: BrowserProxy; isolation: string; cleanup(): void; idle: Lane[] };
  let started: Promise<Started> | null = null;
  let launches = 0;
  let closing = false;
  const size = options.slots ?? renderSlots(os.availableParallelism(), os.freemem());
  let slots = size;
  /** Renders waiting for a slot; the one whose host has the most work left goes next, so the pass ends when its biggest host does. */
  const waiting: { rank: number; start(): void }[] = [];
  const start = async (): Promise<Started> => {
    launches++;
    const proxy = await startBrowserProxy({
      resolver: options.resolver,
      allowance: options.allowPrivateNetwork,
      acquire: options.acquire,
      robotsAllow: options.robotsAllow,
      limits: { readTimeoutMs: options.readTimeoutMs },
    });
    try {
      const s: Started = {
        proxy,
        idle: [],
        ...(await launchIsolated(options.executable, proxy.server, rendererArgs(options.sharedRenderers ?? true, size))),
      };
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

  async function renderIn(s: Started, req: RenderRequest): Promise<Attempt> {
    const { browser, proxy } = s;
    let lane = takeIdle(s);
    const login = lane?.login ?? newProxyLogin();
    const session = proxy.open(options.maxBytes ?? Infinity, login);
    const watch = watchRender(session);
    const tooBig = new Promise<RenderResult>((resolve) =>
      session.overSignal.addEventListener('abort', () => resolve(overCap(options.maxBytes)), { once: true }),
    );
    const work = (async (): Promise<RenderResult> => {
      if (lane && !(await readyLane(lane, req.url))) lane = (await closeLane(lane), null);
      if (!lane) {
        const fresh = await openLane(browser, proxy.server, login, options.userAgent);
        passTimings.lanesOpened++;
        // A lane still opening when the render ended (its time ran out) is closed here; the rest in settleLane.
        if (session.closed) throw (await closeLane(fresh), new Error('the render is over'));
        lane = fresh;
      }
      const opened = lane;
      opened.renders++;
      opened.route = (route) => routeRequest(opened, route.request(), route, session, req);
      return navigate(opened.page, session, req, options);
    })();
    work.catch(() => {});
    let result: RenderResult = { ok: false, message: 'not rendered' };
    try {
      result = await Promise.race([work, watch.stopped, tooBig]);
      return { result, retry: watch.verdict !== null || !browser.isConnected() };
    } catch (err) {
      result = { ok: false, message: (err as Error).message.split('\n')[0].slice(0, 500) };
      return { result, retry: !browser.isConnected() };
    } finally {
      watch.end();
      session.close();
      await settleLane(s, lane as Lane | null, result.ok);
    }
  }

  /** The most recently used idle lane that is still alive: its renderer is the warmest. */
  function takeIdle(s: Started): Lane | null {
    for (let lane = s.idle.pop(); lane; lane = s.idle.pop()) if (!lane.dead) return lane;
    return null;
  }

  /** After a render: a lane that rendered well is wiped and kept; any other is closed. */
  async function settleLane(s: Started, lane: Lane | null, rendered: boolean): Promise<void> {
    if (!lane) return;
    releaseLane(lane);
    if (rendered && !closing && (await wipeLane(lane))) s.idle.push(lane);
    else await closeLane(lane);
  }

  /**
   * Every render ends, whatever hangs: by its own clock (the page's time, not its requests' waits at
   * the gate), or when its waits at the gate pass their bound (not attempted: nothing about the page).
   */
  function watchRender(session: ProxySession) {
    const limits = {
      timeoutMs: options.timeoutMs + READ_GRACE_MS,
      gateWaitMaxMs: options.gateWaitMaxMs ?? GATE_WAIT_TIMEOUTS * options.timeoutMs,
    };
    let timer: NodeJS.Timeout | undefined;
    const watch = {
      verdict: null as ReturnType<typeof renderVerdict>,
      stopped: new Promise<RenderResult>((resolve) => {
        timer = setInterval(() => {
          watch.verdict = renderVerdict(session.clock, limits);
          if (watch.verdict === 'timeout')
            resolve({ ok: false, message: `the page did not finish within ${limits.timeoutMs} ms of its own time` });
          if (watch.verdict === 'not-attempted')
            resolve({
              ok: false,
              notAttempted: true,
              message: `not attempted: the render waited ${Math.round(session.clock.gateMs())} ms for its turn at the host (citewatch's politeness queue, not the site)`,
            });
        }, WATCH_MS);
      }),
      end: () => clearInterval(timer),
    };
    return watch;
  }

  async function routeRequest(lane: Lane, r: Request, route: Route, session: ProxySession, req: RenderRequest) {
    const { page } = lane;
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
      release = await session.turn(url.host);
    } catch {
      return abort();
    }
    if (session.closed) return (release(), abort());
    lane.turns.set(r, release);
    return route.continue().catch(() => lane.turns.get(r)?.());
  }

  return {
    async render(req: RenderRequest): Promise<RenderResult> {
      if (!existsSync(options.executable))
        return { ok: false, message: `no browser at ${options.executable} (set browserExecutable or install chromium)` };
      if (slots === 0) await new Promise<void>((start) => waiting.push({ rank: req.hostWorkLeftMs ?? 0, start }));
      else slots--;
      const freeSlot = () => {
        const next = waiting.reduce((best, w, i) => (w.rank > waiting[best].rank ? i : best), 0);
        if (waiting.length > 0) waiting.splice(next, 1)[0].start();
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
        // A failure of citewatch's own (out of time, no turn at the gate, the browser died) is no fact
        // about the page: tried once more at once, in a browser started again if it died.
        let attempt: Attempt = { result: { ok: false, message: 'not rendered' }, retry: true };
        for (let tries = 0; tries < 2 && attempt.retry && !req.signal?.aborted; tries++) {
          attempt = await renderIn(await (started ??= start()), req);
        }
        return attempt.result;
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

export type BrowserRenderer = ReturnType<typeof createBrowserRenderer>;
