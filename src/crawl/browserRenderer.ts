import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { PlaywrightCrawler, log as crawleeLog, type PlaywrightCrawlingContext } from 'crawlee';
import { chromium } from 'playwright';
import { batchedAdder, crawleeConfig, keepAliveRunner } from './crawleeRuntime.js';
import { resolveTarget, type Resolver } from './resolveTarget.js';

/** Debian's Chromium, quiet: no phoning home, no updates, no QUIC (our address checks speak TCP). */
export const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--no-sandbox'];

export type RenderRequest = {
  url: string;
  /** The bytes the HTTP fetch already got: the browser is handed these instead of asking again. */
  document?: { status: number; headers: Record<string, string>; body: Uint8Array };
  screenshot: boolean;
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

const UNNEEDED = new Set(['image', 'font', 'media', 'stylesheet']);

/**
 * releases: the gate turns held by this render's requests, all given back when the render ends.
 * over: aborted when the render ends. A page request still waiting at the gate then stops waiting,
 * and one whose turn comes later gives it straight back: Playwright's route.continue() on a closed
 * page resolves silently, with no requestfinished/requestfailed, so a turn taken after the render
 * (the page closed by crawlee) was never released and the host's gate stayed shut for the pass.
 */
type Pending = { req: RenderRequest; resolve(r: RenderResult): void; releases: Map<unknown, () => void>; over: AbortController };

/**
 * A long-lived crawlee PlaywrightCrawler over Chromium, started on first use. Every request the
 * page makes (scripts, XHR, redirects we can see) passes the same address check as HTTP hops.
 */
export function createBrowserRenderer(options: {
  executable: string;
  resolver: Resolver;
  allowPrivateNetwork: boolean;
  userAgent: string;
  timeoutMs: number;
  /** The politeness gate: every request the browser sends waits its turn like an HTTP hop; `signal` stops the wait. */
  acquire(host: string, signal: AbortSignal): Promise<() => void>;
}) {
  let crawler: PlaywrightCrawler | null = null;
  let runner: ReturnType<typeof keepAliveRunner> | null = null;
  let queued: ReturnType<typeof batchedAdder> | null = null;
  const pending = new Map<string, Pending>();

  function start(): PlaywrightCrawler {
    crawleeLog.setLevel(crawleeLog.LEVELS.OFF);
    const c = new PlaywrightCrawler(
      {
        keepAlive: true,
        maxRequestRetries: 0,
        useSessionPool: false,
        persistCookiesPerSession: false,
        maxConcurrency: 2,
        navigationTimeoutSecs: Math.ceil(options.timeoutMs / 1000),
        requestHandlerTimeoutSecs: Math.ceil(options.timeoutMs / 1000) + 10,
        autoscaledPoolOptions: { maybeRunIntervalSecs: 0.02 },
        launchContext: {
          launcher: chromium,
          useIncognitoPages: true,
          userAgent: options.userAgent,
          launchOptions: { executablePath: options.executable, headless: true, args: CHROMIUM_ARGS },
        },
        browserPoolOptions: { useFingerprints: false },
        preNavigationHooks: [
          async ({ page, request }, gotoOptions) => {
            const p = pending.get(request.uniqueKey);
            if (gotoOptions) Object.assign(gotoOptions, { waitUntil: 'load', timeout: options.timeoutMs });
            if (!p || p.over.signal.aborted) {
              // The render already ended (gave up): nothing of this page may take a gate turn.
              await page.route('**/*', (route) => route.abort('blockedbyclient').catch(() => {}));
              return;
            }
            const { releases, over } = p;
            const done = (r: unknown) => {
              releases.get(r)?.();
              releases.delete(r);
            };
            page.on('requestfinished', done);
            page.on('requestfailed', done);
            await page.route('**/*', async (route) => {
              const r = route.request();
              if (over.signal.aborted) return route.abort('blockedbyclient').catch(() => {});
              if (p.req.document && r.isNavigationRequest() && r.frame() === page.mainFrame() && r.url() === request.url) {
                const { status, headers, body } = p.req.document;
                return route.fulfill({ status, headers, body: Buffer.from(body) });
              }
              // Text comes from the DOM; pictures and styling only matter for a screenshot.
              if (!p.req.screenshot && UNNEEDED.has(r.resourceType())) return route.abort('blockedbyclient');
              let url: URL;
              try {
                url = new URL(r.url());
              } catch {
                return route.abort('blockedbyclient');
              }
              const target = await resolveTarget(url, options.resolver, options.allowPrivateNetwork);
              if (!target.ok) return route.abort('blockedbyclient');
              let release: () => void;
              try {
                release = await options.acquire(url.host, over.signal);
              } catch {
                return route.abort('blockedbyclient').catch(() => {});
              }
              if (over.signal.aborted) {
                release();
                return route.abort('blockedbyclient').catch(() => {});
              }
              releases.set(r, release);
              return route.continue().catch(() => done(r));
            });
          },
        ],
        requestHandler: async ({ page, response, request }: PlaywrightCrawlingContext) => {
          const p = pending.get(request.uniqueKey);
          if (!p) return;
          // Scripts that fetch their content after load get a short moment to settle.
          await page.waitForLoadState('networkidle', { timeout: Math.min(5000, options.timeoutMs) }).catch(() => {});
          const redirects: { url: string; status: number }[] = [];
          for (let req = response?.request().redirectedFrom(); req; req = req.redirectedFrom()) {
            const res = await req.response();
            redirects.unshift({ url: req.url(), status: res?.status() ?? 0 });
          }
          if (response) redirects.push({ url: response.url(), status: response.status() });
          const raw = p.req.document || !response ? null : await response.body().catch(() => null);
          p.resolve({
            ok: true,
            status: response?.status() ?? null,
            finalUrl: page.url(),
            redirects,
            headers: response ? await response.allHeaders() : {},
            raw,
            html: await page.content(),
            screenshot: p.req.screenshot ? await page.screenshot({ fullPage: true, type: 'png' }) : null,
          });
        },
        failedRequestHandler: async ({ request }, error) => {
          pending.get(request.uniqueKey)?.resolve({ ok: false, message: error.message.split('\n')[0].slice(0, 500) });
        },
      },
      crawleeConfig(),
    );
    runner = keepAliveRunner(c);
    queued = batchedAdder(c);
    return c;
  }

  return {
    async render(req: RenderRequest): Promise<RenderResult> {
      if (!existsSync(options.executable)) return { ok: false, message: `no browser at ${options.executable} (set browserExecutable or install chromium)` };
      crawler ??= start();
      await runner!.start();
      const key = randomUUID();
      const releases = new Map<unknown, () => void>();
      const over = new AbortController();
      const result = new Promise<RenderResult>((resolve) => pending.set(key, { req, resolve, releases, over }));
      // The deadline covers handing the request to crawlee too: every render ends, whatever hangs.
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<RenderResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, message: 'the browser did not answer in time' }), 2 * options.timeoutMs + 30_000);
      });
      try {
        return await Promise.race([queued!.add({ url: req.url, uniqueKey: key }).then(() => result), giveUp]);
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      } finally {
        clearTimeout(timer);
        pending.delete(key);
        over.abort();
        for (const release of releases.values()) release();
        releases.clear();
      }
    },
    async close(): Promise<void> {
      await runner?.stop();
    },
  };
}

export type BrowserRenderer = ReturnType<typeof createBrowserRenderer>;
