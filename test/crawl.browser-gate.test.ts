import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSED_HEADER, startBrowserProxy } from '../src/crawl/browserProxy.js';
import { createBrowserRenderer, type RendererOptions } from '../src/crawl/browserRenderer.js';
import { createHostGate } from '../src/crawl/hostGate.js';
import { ALLOWED, html, namesResolver, shell, startSite, type Site } from './hostile/browserSites.js';

/**
 * A render's clock is the page's, not citewatch's queue: a host whose subresource hangs must not
 * starve its sibling renders at the politeness gate, and time spent waiting for citewatch's own gate
 * is never a render timeout of the source.
 */

const STORY = 'The harbour contract was signed on Tuesday by the council after a long debate. '.repeat(8);

/** A request that never answers; `seen` resolves when it arrives, `closed` when the client gives up on it. */
function hanging() {
  let arrived!: () => void;
  let gone!: (at: number) => void;
  const seen = new Promise<void>((resolve) => (arrived = resolve));
  const closed = new Promise<number>((resolve) => (gone = resolve));
  const route = (req: http.IncomingMessage, _res: http.ServerResponse) => {
    arrived();
    req.socket.once('close', () => gone(performance.now()));
  };
  return { seen, closed, route };
}

describe('a hung subresource does not hold its host, and the gate is not the render clock', () => {
  let site: Site;
  const hang = hanging();
  const names = () => namesResolver({ 'a.test': site.address });
  const url = (path: string) => `${site.origin('a.test')}${path}`;
  const base = (over: Partial<RendererOptions>): RendererOptions => ({
    executable: '/usr/bin/chromium',
    resolver: names(),
    allowPrivateNetwork: ALLOWED,
    userAgent: 'citewatch-test',
    timeoutMs: 6000,
    readTimeoutMs: 1500,
    acquire: async () => () => {},
    ...over,
  });

  beforeAll(async () => {
    site = await startSite('127.1.200.41', {
      // A synchronous script in the head that never comes: the page cannot even finish parsing.
      '/stalled': html(
        `<!doctype html><html><head><script src="/hang.js"></script></head><body><article><p>${STORY}</p></article></body></html>`,
      ),
      '/hang.js': hang.route,
      '/story': html(
        shell(`fetch('/data.json').then(r => r.json()).then(a => { document.getElementById('root').textContent = a.text; });`),
      ),
      '/data.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: STORY })),
    });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('cuts a proxied request that stays silent past the read timeout, refuses it in its answer and gives the turn back', async () => {
    const silent = hanging();
    const quiet = await startSite('127.1.200.42', { '/silent': silent.route });
    const released: number[] = [];
    const proxy = await startBrowserProxy({
      resolver: namesResolver({ 'q.test': quiet.address }),
      allowance: ALLOWED,
      acquire: async () => () => void released.push(performance.now()),
      limits: { readTimeoutMs: 800 },
    });
    const session = proxy.open(Infinity);
    try {
      const answer = await fetchThroughProxy(proxy.port, session, `${quiet.origin('q.test')}/silent`);
      expect(answer.status).toBe(504);
      expect(decodeURIComponent(answer.headers[REFUSED_HEADER] as string)).toMatch(/no answer .* 800 ms/);
      expect(released).toHaveLength(1);
      await silent.closed; // the upstream request was aborted, not left open
    } finally {
      session.close();
      await proxy.close();
      await quiet.close();
    }
  });

  it('renders a sibling page of a host whose other page hangs on a subresource', async () => {
    // Two renderers share the host's gate: the stalled page's (a long timeout) and its sibling's (a
    // shorter one). The sibling asks for its page while the hung script holds the host's turn.
    const gate = createHostGate({ delayMs: 50, concurrency: 8 });
    const acquire = (host: string, signal: AbortSignal) => gate.acquire(host, 0, signal);
    const slow = createBrowserRenderer(base({ acquire, timeoutMs: 15_000 }));
    const quick = createBrowserRenderer(base({ acquire, timeoutMs: 8000 }));
    try {
      const stalled = slow.render({ url: url('/stalled'), screenshot: false });
      await hang.seen;
      const hungAt = performance.now();
      const story = await quick.render({ url: url('/story'), screenshot: false });
      expect(story.ok && story.html).toContain('The harbour contract was signed');
      // The proxy gave up on the silent script after the read timeout, not when its render ended.
      expect((await hang.closed) - hungAt).toBeLessThan(5000);
      const first = await stalled;
      // Without its script the page still parses: the article is there.
      expect(first.ok && first.html).toContain('The harbour contract was signed');
      expect(gate.inFlight).toBe(0);
    } finally {
      await Promise.all([slow.close(), quick.close()]);
    }
  });

  it('does not count time spent waiting for the gate against the render timeout', async () => {
    // Every turn is handed out only after longer than the whole render timeout, as when a busy
    // host's other pages hold the gate: the page itself answers at once.
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const timer = setTimeout(opened, 7000);
    const renderer = createBrowserRenderer(
      base({
        timeoutMs: 5000,
        acquire: async () => {
          await open;
          return () => {};
        },
      }),
    );
    try {
      const r = await renderer.render({ url: url('/story'), screenshot: false });
      expect(r.ok && r.html).toContain('The harbour contract was signed');
    } finally {
      clearTimeout(timer);
      await renderer.close();
    }
  });

  it('gives up a render that never gets its turn as not attempted, having sent nothing', async () => {
    const before = site.hits.length;
    const renderer = createBrowserRenderer(
      base({
        timeoutMs: 8000,
        gateWaitMaxMs: 3000,
        acquire: (_host, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('over')))),
      }),
    );
    try {
      const r = await renderer.render({ url: url('/story'), screenshot: false });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.notAttempted).toBe(true);
      expect(!r.ok && r.message).toMatch(/turn at the host/);
      expect(site.hits.slice(before)).toEqual([]);
    } finally {
      await renderer.close();
    }
  });
});

/** One request through the proxy as Chromium sends it: absolute URL, Basic proxy credentials. */
async function fetchThroughProxy(
  port: number,
  session: { username: string; password: string },
  target: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { request } = await import('node:http');
  const auth = Buffer.from(`${session.username}:${session.password}`).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, headers: { 'proxy-authorization': `Basic ${auth}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
