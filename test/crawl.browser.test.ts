import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { screenshotPath } from '../src/archive/screenshots.js';
import { siteOf } from '../src/crawl/browserLane.js';
import { BROWSER_NICE, rendererArgs } from '../src/crawl/browserLaunch.js';
import { createBrowserRenderer, renderSlots } from '../src/crawl/browserRenderer.js';
import { passTimings, resetPassTimings } from '../src/crawl/passTimings.js';
import { crawlSources } from '../src/crawl/crawlSources.js';
import { hosts, snapshots } from '../src/db/schema/index.js';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { addSources, capturesOf, crawlConfig, noDns } from './helpers/crawl.js';
import {
  ALLOWED,
  CANARY_SECRET,
  html,
  namesResolver,
  redirect,
  scriptArticle,
  shell,
  startCanary,
  startSite,
} from './hostile/browserSites.js';

const REPORT = {
  headline: 'Harbour audit',
  byline: 'Office of the Auditor',
  published: '2024-03-01',
  section: 'reports',
  paragraphs: ['The auditors found the harbour accounts in order for the year, with two exceptions set out below.'],
};

describe(`browser rendering of script-built pages (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let ids: Map<string, number>;
  const config = crawlConfig({ hostDelayMs: 50, totalTimeoutMs: 20_000, readTimeoutMs: 10_000 });
  const snapshot = async (id: number | null) => (await database.db.select().from(snapshots).where(eq(snapshots.id, id!)))[0];

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({
      hosts: {
        'app.example': {
          pages: {
            '/story/1': scriptArticle('Harbour deal signed'),
            '/story/2': scriptArticle('Harbour deal questioned'),
            '/story/3': scriptArticle('Harbour deal undone'),
            '/report.pdf': { kind: 'article', template: 'pdf', article: REPORT },
            '/report': { kind: 'article', template: 'pdf', article: { ...REPORT, headline: 'Harbour audit, served by id' } },
          },
        },
      },
    });
    ids = await addSources(database.db, [
      { url: web.url('app.example', '/story/1'), priority: 5 },
      { url: web.url('app.example', '/story/2') },
      { url: web.url('app.example', '/report.pdf') },
      { url: web.url('app.example', '/report?id=7') },
    ]);
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('has the browser CI installs', () => {
    expect(existsSync(config.browserExecutable)).toBe(true);
  });

  it('renders a script shell, keeps both snapshots and a screenshot, and remembers the host needs a browser', async () => {
    const summary = await crawlSources({ db: database.db, config, resolver: noDns }, { screenshots: true, limit: 1 });
    expect(summary.checked).toBe(1);
    const [c] = await capturesOf(database.db, ids.get(web.url('app.example', '/story/1'))!);
    expect([c.fetcher, c.outcome]).toEqual(['http', 'fetched']);
    const raw = await snapshot(c.snapshotId);
    const rendered = await snapshot(c.renderedSnapshotId);
    expect(raw.kind).toBe('raw');
    expect(raw.text).not.toContain('harbour contract');
    expect(rendered.kind).toBe('rendered');
    expect(rendered.text).toContain('Only a browser can read this sentence about the harbour contract.');
    expect(rendered.title).toContain('Harbour deal signed');
    expect(c.screenshotHash).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(screenshotPath(config.home, c.screenshotHash!))).toBe(true);
    const [host] = await database.db
      .select()
      .from(hosts)
      .where(eq(hosts.host, new URL(c.requestedUrl).host));
    expect(host.renderMode).toBe('browser');
  });

  it('sends the next pages of that host to the browser first, politely', async () => {
    const before = web.log.length;
    await crawlSources({ db: database.db, config, resolver: noDns }, {});
    const [c] = await capturesOf(database.db, ids.get(web.url('app.example', '/story/2'))!);
    expect([c.fetcher, c.outcome, c.httpStatus]).toEqual(['browser', 'fetched', 200]);
    expect((await snapshot(c.renderedSnapshotId)).text).toContain('The council approved the harbour contract');
    expect((await snapshot(c.snapshotId)).kind).toBe('raw');
    // The exchange as the browser saw it, for a faithful export; nothing meant for citewatch's proxy.
    expect(c.responseHeaderList?.find(([n]) => n.toLowerCase() === 'content-type')?.[1]).toMatch(/^text\/html/);
    expect(c.request).toMatchObject({ method: 'GET', url: web.url('app.example', '/story/2') });
    expect(c.request?.headers.map(([n]) => n.toLowerCase())).toContain('user-agent');
    expect(c.request?.headers.some(([n]) => /^proxy-/i.test(n))).toBe(false);
    const asked = web.log.slice(before).filter((r) => r.path === '/story/2');
    expect(asked).toHaveLength(1);
    const p = web.politeness()['app.example'];
    expect(p.maxConcurrent).toBe(1);
    expect(p.minGapMs!).toBeGreaterThanOrEqual(config.hostDelayMs - 2);
  });

  it("reads that host's PDFs over HTTP, by their name or by what the browser was sent, never as the viewer's empty page", async () => {
    for (const path of ['/report.pdf', '/report?id=7']) {
      const [c] = await capturesOf(database.db, ids.get(web.url('app.example', path))!);
      expect([c.fetcher, c.outcome, c.renderedSnapshotId]).toEqual(['http', 'fetched', null]);
      expect((await snapshot(c.snapshotId)).text).toContain('The auditors found the harbour accounts in order');
    }
  });

  it('keeps a host on HTTP when a shell-looking page renders to the same text (a short story beside a large JSON state)', async () => {
    const state = JSON.stringify({ props: Array.from({ length: 400 }, (_, i) => ({ id: i, slug: `item-${i}` })) });
    const story = 'The port authority published the audited accounts for the harbour contract on Monday. '.repeat(4);
    const page = `<!doctype html><html><head><title>Accounts</title></head><body><div id="root"></div><article><p>${story}</p></article><script>window.__STATE__=${state}</script></body></html>`;
    const quiet = await startSimWeb({
      hosts: { 'json.example': { pages: { '/a': { kind: 'raw', status: 200, headers: { 'content-type': 'text/html' }, body: page } } } },
    });
    try {
      const id = (await addSources(database.db, [{ url: quiet.url('json.example', '/a') }])).get(quiet.url('json.example', '/a'))!;
      await crawlSources({ db: database.db, config, resolver: noDns }, { sourceUrl: quiet.url('json.example', '/a') });
      const [c] = await capturesOf(database.db, id);
      expect([c.fetcher, c.outcome]).toEqual(['http', 'fetched']);
      expect(c.renderedSnapshotId).not.toBeNull();
      const [host] = await database.db
        .select()
        .from(hosts)
        .where(eq(hosts.host, new URL(c.requestedUrl).host));
      expect(host?.renderMode ?? 'http').toBe('http');
      // The same shell again: archived already, and still rendered (the data behind it may have changed).
      await crawlSources({ db: database.db, config, resolver: noDns }, { sourceUrl: quiet.url('json.example', '/a'), all: true });
      const [, again] = await capturesOf(database.db, id);
      expect(again.snapshotId).toBe(c.snapshotId);
      expect(again.renderedSnapshotId).not.toBeNull();
    } finally {
      await quiet.close();
    }
  });

  it("ends a shell's capture where its script sent the browser (a router's client-side redirect)", async () => {
    const story = 'The harbour board published its accounts for the year and the contract terms in full. '.repeat(6);
    const front = `<!doctype html><html><head><title>Business</title></head><body><main><p>${story}</p></main></body></html>`;
    const router = await startSimWeb({
      hosts: {
        'router.example': {
          pages: {
            '/story/9': { kind: 'clientRedirect', location: '/business/' },
            '/business/': { kind: 'raw', status: 200, headers: { 'content-type': 'text/html' }, body: front },
          },
        },
      },
    });
    try {
      const from = router.url('router.example', '/story/9');
      const id = (await addSources(database.db, [{ url: from }])).get(from)!;
      await crawlSources({ db: database.db, config, resolver: noDns }, { sourceUrl: from });
      const [c] = await capturesOf(database.db, id);
      expect([c.fetcher, c.outcome, c.requestedUrl, c.finalUrl]).toEqual([
        'http',
        'fetched',
        from,
        router.url('router.example', '/business/'),
      ]);
      expect((await snapshot(c.renderedSnapshotId)).text).toContain('The harbour board published its accounts');
    } finally {
      await router.close();
    }
  });

  it('records a page it cannot render as not rendered, with the raw capture kept', async () => {
    const noBrowser = { ...config, browserExecutable: '/nonexistent/chromium' };
    await database.db.update(hosts).set({ renderMode: 'http' });
    const more = await addSources(database.db, [{ url: web.url('app.example', '/story/3') }]);
    await crawlSources({ db: database.db, config: noBrowser, resolver: noDns }, { sourceUrl: web.url('app.example', '/story/3') });
    const [c] = await capturesOf(database.db, more.get(web.url('app.example', '/story/3'))!);
    expect([c.outcome, c.errorKind, c.renderedSnapshotId]).toEqual(['not-rendered', 'browser', null]);
    expect(c.errorMessage).toContain('/nonexistent/chromium');
    expect(c.snapshotId).not.toBeNull();
  });

  it('gives back every gate turn its page requests took, even one granted after the render ended', async () => {
    // The page's deferred script waits at the gate past the navigation timeout; its turn comes only
    // after the renderer (and its page) is gone. A turn taken then must still be given back, or the
    // host's gate stays shut for the rest of the pass.
    const granted: string[] = [];
    const released: string[] = [];
    const held: { url: string; grant(): void }[] = [];
    let calls = 0;
    const renderer = createBrowserRenderer({
      executable: config.browserExecutable,
      resolver: noDns,
      allowPrivateNetwork: config.allowPrivateNetwork, // the simulated web's range only
      userAgent: config.userAgent,
      timeoutMs: 1500,
      readTimeoutMs: config.readTimeoutMs,
      acquire: (host, signal) =>
        new Promise((resolve, reject) => {
          const id = `${host}#${calls++}`;
          let gaveUp = false;
          const grant = () => {
            if (gaveUp) return;
            granted.push(id);
            resolve(() => void released.push(id));
          };
          if (id.endsWith('#0')) return grant();
          held.push({ url: id, grant });
          signal?.addEventListener('abort', () => ((gaveUp = true), reject(new Error('render over'))), { once: true });
        }),
    });
    const result = await renderer.render({ url: web.url('app.example', '/story/1'), screenshot: false });
    await renderer.close();
    expect(held.length).toBeGreaterThan(0);
    expect(result.ok).toBe(false);
    for (const h of held) h.grant();
    await vi.waitFor(() => expect(released.sort()).toEqual(granted.sort()), { timeout: 5000 });
  });

  it('records a shell whose script leads the browser to loopback as not rendered, archiving nothing from there', async () => {
    // The HTTP fetch is fine; the page's script then sends the browser to a host that redirects to a
    // canary on 127.0.0.1 (outside the allowed range). No byte may reach it, and the capture must say
    // why it was not rendered instead of archiving whatever came back as the page.
    const canary = await startCanary();
    const b = await startSite('127.1.200.12', { '/to-canary': redirect(() => `http://127.0.0.1:${canary.port}/`) });
    const a = await startSite('127.1.200.11', {
      '/shell': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(shell(`location.replace(${JSON.stringify(`${b.origin('b.test')}/to-canary`)});`)),
    });
    try {
      const url = `http://${a.address}:${a.port}/shell`;
      const more = await addSources(database.db, [{ url }]);
      const resolver = namesResolver({ 'b.test': b.address });
      await crawlSources({ db: database.db, config, resolver }, { sourceUrl: url });
      const [c] = await capturesOf(database.db, more.get(url)!);
      expect([c.fetcher, c.outcome, c.errorKind, c.renderedSnapshotId]).toEqual(['http', 'not-rendered', 'browser', null]);
      expect(c.errorMessage).toMatch(/refused|ended on/);
      expect((await snapshot(c.snapshotId)).kind).toBe('raw');
      expect(b.hits).toEqual(['/to-canary']);
      expect([canary.connections, canary.requests.length]).toEqual([0, 0]);
      const texts = await database.db.select({ text: snapshots.text }).from(snapshots);
      expect(texts.filter((t) => t.text?.includes(CANARY_SECRET))).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), canary.close()]);
    }
  });
});

describe('the renderer is a pool that takes the text once it has settled', () => {
  const GiB = 2 ** 30;
  it.each([
    [2, 20 * GiB, 12],
    [1, 20 * GiB, 6],
    [8, 64 * GiB, 12], // never more than a dozen renderer processes
    [2, 1 * GiB, 4], // memory bounds before cores do
    [1, 0.1 * GiB, 1], // at least one, always
  ])('renders %i cores × 6 pages at once, bounded by %d bytes free: %i', (cores, free, slots) => {
    expect(renderSlots(cores, free)).toBe(slots);
  });

  it.each([
    ['http://www.example.com/a', 'example.com'],
    ['https://a.b.example.com:8443/x', 'example.com'],
    ['http://127.1.0.5:8080/', '127.1.0.5'],
    ['http://[::1]:80/', '[::1]'],
    ['https://news.bbc.co.uk/', 'co.uk'], // broader than the registrable domain: only more renders go by about:blank
  ])('takes %s to be of the site %s when a kept page must make way for a render of its own site', (url, site) => {
    expect(siteOf(url)).toBe(site);
  });

  it('shares renderer processes between sites, one per render slot, unless told to keep a process per site', () => {
    expect(rendererArgs(true, 12)).toEqual(['--disable-site-isolation-trials', '--renderer-process-limit=12']);
    expect(rendererArgs(false, 12)).toEqual([]);
  });

  const article = 'The harbour contract was signed on Tuesday by the council after a long debate. '.repeat(8);
  const later =
    (ms: number, body: string, type = 'application/json') =>
    (_req: unknown, res: import('node:http').ServerResponse) =>
      void setTimeout(() => res.writeHead(200, { 'content-type': type }).end(body), ms);
  let site: Awaited<ReturnType<typeof startSite>>;
  let renderer: ReturnType<typeof createBrowserRenderer>;
  const url = (path: string) => `http://${site.address}:${site.port}${path}`;
  const rendererOptions = () => ({
    executable: '/usr/bin/chromium',
    resolver: noDns,
    allowPrivateNetwork: ALLOWED,
    userAgent: 'citewatch-test',
    timeoutMs: 10_000,
    readTimeoutMs: 5000,
    acquire: async () => () => {},
  });
  beforeAll(async () => {
    site = await startSite('127.1.200.31', {
      '/fetches': html(
        shell(`fetch('/article.json').then(r => r.json()).then(a => { document.getElementById('root').textContent = a.text; });`),
      ),
      '/article.json': later(800, JSON.stringify({ text: article })),
      '/inline': html(
        `<html><head><link rel="stylesheet" href="/s.css"><link rel="preload" as="font" href="/f.woff2"><script async src="/analytics.js"></script></head><body><img src="/i.png"><article>${article}</article></body></html>`,
      ),
      '/analytics.js': later(4000, '1', 'text/javascript'),
      // Says what an earlier render left behind, then leaves some of its own.
      '/remembers': html(
        shell(`const seen = [document.cookie || 'no cookie', localStorage.getItem('k') || 'no local', sessionStorage.getItem('k') || 'no session'];
document.cookie = 'k=cookie; path=/'; localStorage.setItem('k', 'local'); sessionStorage.setItem('k', 'session');
document.getElementById('root').textContent = 'Seen: ' + seen.join(', ') + '. ' + ${JSON.stringify(article)};`),
      ),
      // Goes on writing after its render is over, for as long as it is allowed to run.
      '/keeps-writing': html(
        shell(`document.getElementById('root').textContent = ${JSON.stringify(article)};
setInterval(() => { document.cookie = 'k=late; path=/'; localStorage.setItem('k', 'late'); sessionStorage.setItem('k', 'late'); }, 5);`),
      ),
    });
    renderer = createBrowserRenderer(rendererOptions());
  });
  afterAll(async () => {
    await renderer?.close();
    await site?.close();
  });

  it('waits for the data a script fetches, and no longer', async () => {
    const r = await renderer.render({ url: url('/fetches'), screenshot: false });
    expect(r.ok && r.html).toContain('The harbour contract was signed');
  });

  it('runs Chromium, every process of it, behind the crawl for a busy core (BROWSER_NICE)', async () => {
    expect((await renderer.render({ url: url('/fetches'), screenshot: false })).ok).toBe(true);
    const stat = (pid: string) => {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return { ppid: rest[1], nice: Number(rest[16]) };
    };
    const all = new Map<string, { ppid: string; nice: number }>();
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)))
      try {
        all.set(pid, stat(pid));
      } catch {} // gone meanwhile
    const ours = (pid: string): boolean => pid === String(process.pid) || (all.has(pid) && pid !== '1' && ours(all.get(pid)!.ppid));
    const browser = [...all].filter(
      ([pid, p]) => pid !== String(process.pid) && ours(p.ppid) && readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('chrom'),
    );
    expect(browser.length).toBeGreaterThan(1); // the browser and at least one renderer
    expect(browser.map(([, p]) => p.nice)).toEqual(browser.map(() => BROWSER_NICE));
    // Where the kernel groups each session's processes (autogroup), niceness counts only within a
    // group: Chromium's own session must be a group niced as much, or it takes a core's share from the crawl.
    if (existsSync('/proc/self/autogroup')) {
      const group = (pid: string) => readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();
      const mine = group('self');
      const theirs = browser.map(([pid]) => group(pid)).filter((g) => g !== mine);
      expect(theirs.map((g) => g.replace(/^\/autogroup-\d+ /, ''))).toEqual(theirs.map(() => `nice ${BROWSER_NICE}`));
    }
  });

  it('does not wait for a slow analytics script once the article shows, nor fetch styling for text', async () => {
    const t = performance.now();
    const r = await renderer.render({ url: url('/inline'), screenshot: false });
    expect(r.ok && r.html).toContain('The harbour contract was signed');
    expect(performance.now() - t).toBeLessThan(3000); // the script answers after 4 s
    expect(site.hits.filter((p) => /\.(css|woff2|png)$/.test(p))).toEqual([]);
  });

  it('does not start a render still waiting for a slot once the pass is stopped', async () => {
    const stop = new AbortController();
    const slots = renderSlots(os.availableParallelism(), os.freemem());
    const all = Array.from({ length: slots + 3 }, () => renderer.render({ url: url('/fetches'), screenshot: false, signal: stop.signal }));
    stop.abort();
    const results = await Promise.all(all);
    const stopped = results.filter((r) => !r.ok && r.message === 'the pass was stopped before this page was rendered');
    expect(stopped.length).toBeGreaterThanOrEqual(3);
  });

  it('starts every render clean: nothing an earlier render of the host stored (cookies, storage) is seen', async () => {
    const first = await renderer.render({ url: url('/remembers'), screenshot: false });
    const second = await renderer.render({ url: url('/remembers?again'), screenshot: false });
    for (const r of [first, second]) expect(r.ok && r.html).toContain('Seen: no cookie, no local, no session.');
  });

  it("keeps a slot's page from one render to the next, wiped, and opens a new one after a render that failed", async () => {
    const one = createBrowserRenderer({ ...rendererOptions(), slots: 1 });
    try {
      resetPassTimings();
      const remembers = [];
      for (let i = 0; i < 3; i++) remembers.push(await one.render({ url: url(`/remembers?${i}`), screenshot: false }));
      for (const r of remembers) expect(r.ok && r.html).toContain('Seen: no cookie, no local, no session.');
      expect(passTimings.lanesOpened).toBe(1);
      const failed = await one.render({ url: `http://${site.address}:1/`, screenshot: false });
      expect(failed.ok).toBe(false);
      expect((await one.render({ url: url('/fetches'), screenshot: false })).ok).toBe(true);
      expect([passTimings.renders, passTimings.lanesOpened]).toEqual([5, 2]);
    } finally {
      await one.close();
    }
  });

  it('lets nothing of a page that goes on writing after its render reach the next render of its host', async () => {
    const one = createBrowserRenderer({ ...rendererOptions(), slots: 1 });
    const other = await startSite('127.1.200.32', { '/other': html(`<p>${article}</p>`) });
    resetPassTimings();
    try {
      // Straight after it, and after a render of another site in between (its frozen page woke as that navigation began).
      for (const between of [null, `http://${other.address}:${other.port}/other`]) {
        expect((await one.render({ url: url('/keeps-writing'), screenshot: false })).ok).toBe(true);
        // There is no event for a write that must not happen: the kept page is given time in which it would.
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (between) expect((await one.render({ url: between, screenshot: false })).ok).toBe(true);
        const next = await one.render({ url: url('/remembers?after-writer'), screenshot: false });
        expect(next.ok && next.html).toContain('Seen: no cookie, no local, no session.');
      }
      expect(passTimings.lanesOpened).toBe(1);
    } finally {
      await Promise.all([one.close(), other.close()]);
    }
  });

  it('gives a free slot to the waiting render whose host has the most work left', async () => {
    const one = createBrowserRenderer({ ...rendererOptions(), slots: 1 });
    try {
      const order: number[] = [];
      const first = one.render({ url: url('/fetches'), screenshot: false });
      const queued = [1, 5, 3].map((workLeft) =>
        one.render({ url: url(`/inline?${workLeft}`), screenshot: false, hostWorkLeftMs: workLeft }).then(() => order.push(workLeft)),
      );
      await Promise.all([first, ...queued]);
      expect(order).toEqual([5, 3, 1]);
    } finally {
      await one.close();
    }
  });

  it('renders several pages at once in one browser, never relaunching it', async () => {
    resetPassTimings();
    const results = await Promise.all(Array.from({ length: 6 }, () => renderer.render({ url: url('/fetches'), screenshot: false })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(passTimings.rendersAtOncePeak).toBeGreaterThan(2);
    expect(passTimings.launches).toEqual([]);
  });
});
