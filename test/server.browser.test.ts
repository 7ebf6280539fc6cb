import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../src/crawl/browserLaunch.js';
import { BIN, cliEnv, runCli } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { REPO } from './helpers/paths.js';

type DemoFlag = {
  eventId: string;
  sources: { url: string; state: string; currentState: string; touchesClaim: { touches: boolean } | null }[];
};

const PASSWORD = 'a long editor password';
/** Screenshots for the README are rewritten only when asked, so that test runs leave the repository alone. */
const SCREENSHOTS = process.env.CITEWATCH_UPDATE_SCREENSHOTS === '1' ? path.join(REPO, 'docs/screenshots') : null;

/** Starts `citewatch serve` on a free loopback port and resolves with its address once it listens. */
function startServe(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--port', '0', '--host', '127.0.0.1'], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, base: m[1] });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
  });
}

function addEditor(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(BIN, ['users', 'add', 'editor-e2e', '--role', 'editor'], { env, cwd: REPO, stdio: ['pipe', 'ignore', 'inherit'] });
    child.stdin!.end(`${PASSWORD}\n`);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A screenshot of the viewport, scrolled to `selector` when given (the part of the page the README shows). */
async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  if (!SCREENSHOTS) return;
  if (selector)
    await page
      .locator(selector)
      .first()
      .evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** An editor works through the demo's flags in Chromium, against `citewatch serve`, as the README tells a new user to. */
describe(`review app in a browser (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let serve: { child: ChildProcess; base: string };
  let browser: Browser;
  let page: Page;
  let changed: DemoFlag;
  let vanished: DemoFlag;

  beforeAll(async () => {
    database = await openTestDatabase();
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-browser-test-'));
    env = cliEnv(home, database.url);
    const demo = await runCli(['--json', 'demo', '--sample', '12', '--home', home], env);
    expect(demo.code).toBe(0);
    const flags = (JSON.parse(demo.stdout) as { flags: DemoFlag[] }).flags;
    const all = (f: DemoFlag, state: string) => f.sources.every((s) => s.state === state && s.currentState === state);
    const changedFlags = flags.filter((f) => all(f, 'changed'));
    changed = changedFlags.find((f) => f.sources.some((s) => s.touchesClaim?.touches)) ?? changedFlags[0];
    vanished = flags.filter((f) => all(f, 'vanished')).sort((a, b) => a.sources.length - b.sources.length)[0];
    expect(changed).toBeDefined();
    expect(vanished).toBeDefined();
    expect(await addEditor(env)).toBe(0);
    serve = await startServe(env);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, chromiumSandbox: false, args: CHROMIUM_ARGS });
    // axe-core needs a page of a context of our own, not the browser's default one.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('signs in and opens the queue, filtered by state, navigable by keyboard', { timeout: 120_000 }, async () => {
    await page.goto(`${serve.base}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await expectAccessible(page);
    await page.getByLabel('Name').fill('editor-e2e');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await expect.poll(() => page.locator(`tr[data-event="${changed.eventId}"]`).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'queue');
    await page.getByLabel('State').selectOption('vanished');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=vanished/);
    const rows = await page.locator('tr[data-event]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event')));
    expect(rows).toContain(vanished.eventId);
    expect(rows).not.toContain(changed.eventId);
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('tr.current').getAttribute('data-event')).toBe(rows[0]);
  });

  it('opens a changed event, shows the diff with claim passages marked, re-verifies it, and the flag leaves the queue', {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${serve.base}/?state=changed`);
    await page.locator(`tr[data-event="${changed.eventId}"] a`).first().click();
    await page.waitForURL(new RegExp(`/events/${changed.eventId}`));
    expect(await page.locator('[data-diff="inline"] ins, [data-diff="inline"] del').count()).toBeGreaterThan(0);
    if (changed.sources.some((s) => s.touchesClaim?.touches)) expect(await page.locator('.diff mark').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await screenshot(page, 'changed-event', '.change');
    for (let left = await page.locator('form.decision-reverify').count(); left > 0; left--) {
      const form = page.locator('form.decision-reverify').first();
      await form.getByLabel('Note (why)').fill('checked against the new text: the claim still holds');
      await form.getByRole('button', { name: 'Mark re-verified' }).click();
      await page.getByText('Marked re-verified.').waitFor();
    }
    expect(await page.locator('#audit + table tr[data-action="reverify"]').count()).toBe(changed.sources.length);
    await expect.poll(() => page.locator('table.audit').textContent()).toContain('the claim still holds');
    await page.goto(`${serve.base}/`);
    expect(await page.locator(`tr[data-event="${changed.eventId}"]`).count()).toBe(0);
  });

  it('opens a vanished event, marks its source replaced with a new URL, and the decision is in the audit log', {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${serve.base}/events/${encodeURIComponent(vanished.eventId)}`);
    await page.getByRole('heading', { name: 'What the URL answers now' }).first().waitFor();
    await expectAccessible(page);
    await screenshot(page, 'vanished-event', '.source');
    const newUrls: string[] = [];
    for (let i = 0, left = await page.locator('form.decision-replace').count(); left > 0; left--, i++) {
      const form = page.locator('form.decision-replace').first();
      newUrls.push(`https://archive.example.org/replacement-${i}`);
      await form.getByLabel('New URL, cited in place of this one').fill(`HTTPS://Archive.Example.org/replacement-${i}?utm_source=x`);
      await form.getByLabel('Note (why)').fill('the story moved to the archive');
      await form.getByRole('button', { name: 'Mark replaced' }).click();
      await page.getByText('Marked replaced').waitFor();
    }
    const log = await page.locator('table.audit').textContent();
    for (const url of newUrls) expect(log).toContain(`new URL ${url}`);
    await page.goto(`${serve.base}/`);
    expect(await page.locator(`tr[data-event="${vanished.eventId}"]`).count()).toBe(0);
  });

  it('shows every decision in `citewatch reviews --json` and `citewatch flags --json`', { timeout: 120_000 }, async () => {
    // The embedded database has one process at a time: the server stops first.
    const exited = new Promise<number | null>((resolve) => serve.child.on('exit', resolve));
    serve.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const reviews = JSON.parse((await runCli(['--json', 'reviews'], env)).stdout) as {
      eventId: string;
      action: string;
      reviewer: string;
    }[];
    expect(reviews.filter((r) => r.eventId === changed.eventId).map((r) => r.action)).toEqual(changed.sources.map(() => 'reverify'));
    expect(reviews.filter((r) => r.eventId === vanished.eventId).map((r) => r.action)).toEqual(vanished.sources.map(() => 'replace'));
    expect(new Set(reviews.map((r) => r.reviewer))).toEqual(new Set(['editor-e2e']));
    const flags = JSON.parse((await runCli(['--json', 'flags', '--all'], env)).stdout) as {
      eventId: string;
      state: string;
      review: { action: string };
    }[];
    const byEvent = new Map(flags.map((f) => [f.eventId, f]));
    expect(byEvent.get(changed.eventId)).toMatchObject({ state: 'resolved', review: { action: 'reverify' } });
    expect(byEvent.get(vanished.eventId)).toMatchObject({ state: 'resolved', review: { action: 'replace' } });
  });
});
