import type { Browser, BrowserContext, CDPSession, Page, Request, Route } from 'playwright';

/**
 * A render slot's own context and page, kept from one render to the next. A new context costs
 * Chromium a new renderer process finishing its start (about half a second of CPU) and the browser
 * process making and closing the context (a quarter); a kept page navigated to the next URL, of any
 * host, costs about a fifth of a second in all (docs/benchmarks.md). Between renders the lane is
 * wiped of everything a page could leave for the next (cookies, storage of every origin it touched),
 * so every render still starts clean; a lane whose render failed is closed.
 */
export type Lane = {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** The proxy login of this lane's context; each render opens a proxy session under it (browserProxy.ts). */
  login: { username: string; password: string };
  renders: number;
  /** Origins the current render's requests went to: the ones to wipe after it. */
  origins: Set<string>;
  /** Origins of the frozen page the last render left showing: wiped once more after the next render (see wipeLane). */
  showing: Set<string>;
  /** Gate turns held by the current render's HTTPS requests, given back as each ends. */
  turns: Map<Request, () => void>;
  /** The render under way, if any: requests arriving with none are refused. */
  route: ((route: Route) => unknown) | null;
  dead: boolean;
};

/** A lane is closed and opened anew after this many renders, so what a renderer leaks stays bounded. */
export const LANE_RENDERS_MAX = 50;
const WIPE_TIMEOUT_MS = 5000;

export async function openLane(browser: Browser, proxyServer: string, login: Lane['login'], userAgent: string): Promise<Lane> {
  const context = await browser.newContext({
    proxy: { server: proxyServer, ...login },
    serviceWorkers: 'block',
    acceptDownloads: false,
    userAgent,
  });
  try {
    // WebSockets never connect: the proxy would check them too, but a page has no business with them.
    await context.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'not while archiving' }));
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const lane: Lane = {
      context,
      page,
      cdp,
      login,
      renders: 0,
      origins: new Set(),
      showing: new Set(),
      turns: new Map(),
      route: null,
      dead: false,
    };
    await page.route('**/*', (route) => (lane.route ? lane.route(route) : route.abort('blockedbyclient').catch(() => {})));
    page.on('request', (r) => {
      const origin = originOf(r.url());
      if (origin) lane.origins.add(origin);
    });
    const done = (r: Request) => (lane.turns.get(r)?.(), lane.turns.delete(r));
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    page.on('crash', () => (lane.dead = true));
    page.on('close', () => (lane.dead = true));
    return lane;
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}

function originOf(url: string): string | null {
  return /^https?:/.test(url) ? new URL(url).origin : null;
}

/** Ends a render on the lane: its turns at the gate are given back and its later requests refused. */
export function releaseLane(lane: Lane): void {
  lane.route = null;
  for (const release of lane.turns.values()) release();
  lane.turns.clear();
}

/**
 * Leaves nothing of the last render for the next. The page is frozen where it is, so none of its
 * timers or callbacks runs while the lane waits, and every cookie of the context goes, with all
 * storage (local and session storage, IndexedDB, caches; Chromium's "all") of every origin the render
 * touched. Freezing, rather than sending the page to about:blank, spares Chromium a navigation:
 * about 75 ms of its CPU per render (docs/benchmarks.md). The frozen page may wake for the moment
 * the next render's navigation takes to replace it, so its origins are wiped again after that
 * render, and a render of the same site goes by about:blank first (readyLane).
 * True when the lane is clean and fit for another render.
 */
export async function wipeLane(lane: Lane): Promise<boolean> {
  if (lane.dead || lane.renders >= LANE_RENDERS_MAX) return false;
  return withinWipeTime(lane, async () => {
    await lane.cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await clearOrigins(lane, [...lane.origins, ...lane.showing]);
    lane.showing = lane.origins;
    lane.origins = new Set();
  });
}

/** Before a render of `url`: when the page left showing is of the same site, it is replaced by about:blank and wiped once more. */
export async function readyLane(lane: Lane, url: string): Promise<boolean> {
  const site = siteOf(url);
  if (![...lane.showing].some((origin) => siteOf(origin) === site)) return true;
  return withinWipeTime(lane, async () => {
    await lane.page.goto('about:blank');
    await clearOrigins(lane, [...lane.showing]);
    lane.showing.clear();
  });
}

/**
 * What cookies are shared within, roughly: the host's last two labels, or an address. Broader than
 * the registrable domain where a suffix has two labels (co.uk), which only sends more renders by about:blank.
 */
export function siteOf(url: string): string {
  const host = new URL(url).hostname;
  if (/^[\d.]+$|^\[/.test(host)) return host;
  return host.split('.').slice(-2).join('.');
}

async function clearOrigins(lane: Lane, origins: string[]): Promise<void> {
  await lane.context.clearCookies();
  for (const origin of new Set(origins)) await lane.cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
}

async function withinWipeTime(lane: Lane, wipe: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), WIPE_TIMEOUT_MS)));
  const done = wipe().then(() => !lane.dead);
  done.catch(() => {});
  try {
    return await Promise.race([done, timedOut]).catch(() => false);
  } finally {
    clearTimeout(timer);
  }
}

export async function closeLane(lane: Lane): Promise<void> {
  lane.dead = true;
  releaseLane(lane);
  await lane.context.close().catch(() => {});
}
