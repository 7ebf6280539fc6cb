import type { Page, Request, Response } from 'playwright';
import { REFUSED_HEADER, type ProxySession } from './browserProxy.js';
import type { SentRequest } from './httpFetcher.js';
import type { RenderClock } from './browserProxyCore.js';

/** What one page of the browser does for a render: navigate, wait for its text to settle, read it. */

export type RenderResult =
  | {
      ok: true;
      status: number | null;
      finalUrl: string;
      redirects: { url: string; status: number }[];
      headers: Record<string, string>;
      /** The document's response headers as received and the request the browser sent for it (navigate mode only). */
      headerList: [string, string][] | null;
      request: SentRequest | null;
      /** The document as the server sent it (navigate mode only). */
      raw: Buffer | null;
      html: string;
      screenshot: Buffer | null;
    }
  | {
      ok: false;
      message: string;
      /** The render never got its turns at the host: citewatch's queue, not the page; nothing was learnt. */
      notAttempted?: boolean;
    };

/** Requests whose answer may still change the page's text: it has not settled while one is open. */
const PENDING_KINDS = new Set(['document', 'xhr', 'fetch', 'script']);
/** The page's text is taken once it has not changed for this long with nothing pending (no fixed network-idle wait). */
const QUIET_MS = 250;
/** Visible text past which a script still loading (analytics, ads) is not waited for: the article is there. */
const SHOWN_CHARS = 500;
const SETTLE_MAX_MS = 5000;

export function overCap(maxBytes: number | undefined): RenderResult {
  return { ok: false, message: `the page downloaded more than ${maxBytes} bytes; rendering stopped` };
}

/**
 * Loads the page and reads it once settled. No Playwright timeout: the renderer's watch stops a render
 * by the render's own clock, which does not run while the page waits for a turn at the gate.
 */
export async function navigate(
  page: Page,
  session: ProxySession,
  req: { url: string; document?: unknown; screenshot: boolean },
  limits: { timeoutMs: number; maxBytes?: number },
): Promise<RenderResult> {
  let main: Response | null = null;
  const onResponse = (r: Response) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) main = r;
  };
  // The page outlives the render (browserLane.ts): what this render listens to is taken off again.
  page.on('response', onResponse);
  const pending = pendingRequests(page);
  try {
    const response = await page.goto(req.url, { waitUntil: 'domcontentloaded', timeout: 0 });
    await settled(page, pending.open, session.clock, { maxMs: Math.min(SETTLE_MAX_MS, limits.timeoutMs), queuedMaxMs: limits.timeoutMs });
    return await read(page, session, req, limits.maxBytes, (main ?? response) as Response | null, response);
  } finally {
    page.off('response', onResponse);
    pending.stop();
  }
}

/** The settled page as a render's result. */
async function read(
  page: Page,
  session: ProxySession,
  req: { document?: unknown; screenshot: boolean },
  maxBytes: number | undefined,
  last: Response | null,
  response: Response | null,
): Promise<RenderResult> {
  if (session.overLimit) return overCap(maxBytes);
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
    ...(req.document || !response ? { headerList: null, request: null } : await exchange(response)),
    raw: req.document || !response ? null : await response.body().catch(() => null),
    html: await page.content(),
    screenshot: req.screenshot ? await page.screenshot({ fullPage: true, type: 'png' }) : null,
  };
}

/**
 * The document's exchange as the browser saw it: response headers in order with repeats, and the
 * request head it sent. Playwright does not tell the protocol version; the browser speaks HTTP/1.1 to
 * citewatch's proxy, which is the exchange recorded. Headers meant for the proxy (its per-lane
 * credentials) are not part of the exchange with the site and are left out.
 */
async function exchange(response: Response): Promise<{ headerList: [string, string][]; request: SentRequest }> {
  const pairs = (list: { name: string; value: string }[]) => list.map(({ name, value }): [string, string] => [name, value]);
  const request = response.request();
  return {
    headerList: pairs(await response.headersArray()),
    request: {
      method: request.method(),
      url: request.url(),
      httpVersion: 'HTTP/1.1',
      headers: pairs(await request.headersArray()).filter(([name]) => !/^proxy-/i.test(name)),
    },
  };
}

/** The requests of a page that may still bring or build text, counted as they open and end. */
function pendingRequests(page: Page): { open: Set<Request>; stop(): void } {
  const open = new Set<Request>();
  const opened = (r: Request) => PENDING_KINDS.has(r.resourceType()) && open.add(r);
  const ended = (r: Request) => open.delete(r);
  page.on('request', opened);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  return {
    open,
    stop: () => {
      page.off('request', opened);
      page.off('requestfinished', ended);
      page.off('requestfailed', ended);
    },
  };
}

/**
 * Waits until the page's text has settled: its visible length unchanged for QUIET_MS with no
 * document or data request open (nor a script, while the page still shows next to nothing), or
 * `maxMs` of the render's own time at most: a request queued at the gate stops that clock, so the
 * article it brings is waited for, up to `queuedMaxMs` more (then the text is taken as it is, rather
 * than the render failing for want of a turn). A page built by an inline script settles at once; one
 * that fetches its article waits for it, and no longer; analytics still queued are not waited for.
 */
async function settled(
  page: Page,
  pending: Set<Request>,
  clock: RenderClock,
  bound: { maxMs: number; queuedMaxMs: number },
): Promise<void> {
  const end = clock.activeMs() + bound.maxMs;
  const wallEnd = performance.now() + bound.maxMs + bound.queuedMaxMs;
  let last = -1;
  let quietSince = performance.now();
  while (clock.activeMs() < end && performance.now() < wallEnd) {
    // While a document or data request is open the text has not settled, and is not read: a read
    // lays the page out, CPU spent for nothing while the request waits for its turn at the gate.
    const open = [...pending].some((r) => r.resourceType() !== 'script');
    // A navigation in progress destroys the context: that is a change, not an error.
    // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees settling, hidden templates left out
    const length = open ? -1 : await page.evaluate(() => document.body?.innerText.length ?? 0).catch(() => -1);
    const now = performance.now();
    const busy = open || (pending.size > 0 && length < SHOWN_CHARS);
    if (length !== last || length < 0 || busy) [last, quietSince] = [length, now];
    else if (now - quietSince >= QUIET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
