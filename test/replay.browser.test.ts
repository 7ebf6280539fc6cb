import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawBody } from '../src/archive/queries.js';
import { createApp } from '../src/server/createApp.js';
import { buildArchive, type ArchiveFixture } from './helpers/archiveWeb.js';
import { testDatabaseKind } from './helpers/db.js';

/**
 * Replay in a real browser. The archived page (made by a real pass) tries to read the app's cookie,
 * fetch and load an image from the live web, and navigate the top page; `live.example` on the
 * simulated web is the canary standing for the live web. Nothing of it may work, whether the page is
 * rewritten (as served) or, to test the content policy alone, served with its original bytes.
 */
describe(`replay cannot hurt the viewer (${testDatabaseKind})`, () => {
  let archive: ArchiveFixture;
  let app: FastifyInstance;
  let browser: Browser;
  let origin: string;
  let replayUrl: string;
  let captureId: number;
  const liveRequests = () => archive.web.log.filter((r) => r.host === 'live.example').length;

  /** A fresh viewer signed in to the app: its session cookie is what the archived page must not read. */
  const viewer = async (): Promise<Page> => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'citewatch_session', value: 'the-editors-session', url: origin }]);
    return context.newPage();
  };
  const archivedFrame = (page: Page) => {
    const frame = page.frames().find((f) => f.url().includes('/replay/raw/'));
    if (!frame) throw new Error(`no archived frame among ${page.frames().map((f) => f.url())}`);
    return frame;
  };

  beforeAll(async () => {
    archive = await buildArchive();
    app = await createApp({ db: archive.database.db, config: { ...archive.config, readAccess: 'open', cookieSecure: false } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { mementos } = (await app.inject({ url: `/memento/timemap/json/${archive.urls.hostile}` })).json();
    const uri = mementos.first.uri as string;
    replayUrl = `${origin}/replay/${uri.slice(uri.indexOf('/memento/') + '/memento/'.length)}`;
    const at = encodeURIComponent(mementos.first.datetime);
    [{ id: captureId }] = (
      await app.inject({ url: `/api/captures?url=${encodeURIComponent(archive.urls.hostile)}&at=${at}` })
    ).json().items;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, timeout: 60_000 });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await archive?.close();
  });

  it('(control) the same page opened live does reach the live web and reads what it can', async () => {
    const before = liveRequests();
    const seen = archive.web.log.length;
    const page = await browser.newPage();
    // The page sends itself elsewhere as it loads: the navigation it began may be cut short.
    await page.goto(archive.urls.hostile).catch(() => {});
    // The page itself, then its first request to the live web.
    await archive.web.waitForRequests(seen + 2);
    expect(liveRequests()).toBeGreaterThan(before);
    await page.context().close();
  });

  it('replays the page in a sandboxed frame: no request leaves, the cookie is unread, the top page stays', async () => {
    const page = await viewer();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
    const before = liveRequests();
    await page.goto(replayUrl, { waitUntil: 'networkidle' });
    const frame = archivedFrame(page);
    expect(await page.locator('iframe.replay-frame').getAttribute('sandbox')).toBe('allow-top-navigation-by-user-activation');
    expect(await frame.locator('h1').textContent()).toBe('Hostile report');
    // What the archive holds loads (the image, from the archive); what it does not is never asked for.
    expect(await frame.locator('#archived-img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(await frame.locator('#live-img').getAttribute('src')).toBeNull();
    expect(await frame.locator('html').getAttribute('data-cookie')).toBeNull();
    expect(liveRequests()).toBe(before);
    expect([page.url(), navigations]).toEqual([replayUrl, [replayUrl]]);
    expect(await page.locator('.replay-banner').textContent()).toContain('captured');
    await page.context().close();
  });

  it('holds by its content policy alone: the original bytes, scripts and all, run nothing and reach nothing', async () => {
    const page = await viewer();
    const original = await rawBody(archive.database.db, captureId);
    expect(Buffer.from(original.body).toString('utf8')).toContain('top.location');
    // The app's own answer for the frame, with the rewritten body swapped back for the bytes as fetched.
    await page.route(`${origin}/replay/raw/${captureId}`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: Buffer.from(original.body) });
    });
    const navigations: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
    const before = liveRequests();
    await page.goto(replayUrl, { waitUntil: 'networkidle' });
    const frame = archivedFrame(page);
    expect(await frame.locator('h1').textContent()).toBe('Hostile report');
    expect(await frame.locator('html').getAttribute('data-cookie')).toBeNull();
    expect(liveRequests()).toBe(before);
    expect([page.url(), navigations]).toEqual([replayUrl, [replayUrl]]);
    // Opened on its own, the archived content is still an opaque origin under the same policy.
    const direct = await viewer();
    await direct.goto(`${origin}/replay/raw/${captureId}`, { waitUntil: 'networkidle' });
    expect(await direct.evaluate(() => window.origin)).toBe('null');
    expect(liveRequests()).toBe(before);
    await page.context().close();
    await direct.context().close();
  });

  it('lets a click on an archived link take the viewer to its replay, and nowhere else', async () => {
    const page = await viewer();
    await page.goto(replayUrl, { waitUntil: 'networkidle' });
    const frame = archivedFrame(page);
    expect(await frame.locator('#live-link').getAttribute('href')).toBeNull();
    await Promise.all([page.waitForURL(`${origin}/replay/**`), frame.locator('#archived-link').click()]);
    expect(page.url()).toBe(`${origin}/replay/${replayUrl.split('/')[4]}/${archive.urls.audit}`);
    await page.context().close();
  });
});
