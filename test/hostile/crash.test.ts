import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../../src/db/open.js';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../../src/simweb/index.js';
import { createRng } from '../../src/simweb/prng.js';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';

const HOSTS = ['a.example', 'b.example', 'c.example'];
const PAGES = 6;
const story = (headline: string) => ({
  kind: 'slow' as const,
  delayMs: 60,
  then: {
    kind: 'article' as const,
    template: 'wire' as const,
    article: {
      headline,
      byline: 'Lin',
      published: '2024-02-02',
      paragraphs: [`${headline}: the ministry confirmed the figures on Friday and said an audit would follow.`],
    },
  },
});

/**
 * The promise on kill -9 (README): a response fully received is either stored, or its source is
 * still due and asked again by the next pass; nothing is left leased or skipped as busy. The CLI is
 * killed at random points of a pass (seeded: CRASH_SEED repeats a run), while the simulated web
 * counts every request it answered.
 */
describe(`crawl killed mid-pass (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let home: string;
  const env = () =>
    cliEnv(home, database.url, {
      CITEWATCH_HOST_DELAY_MS: '30',
      CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE,
      CITEWATCH_TOTAL_TIMEOUT_MS: '3000',
    });
  /** Runs `inspect` on the database, opened once for it (on PGlite the CLI must not be running). */
  async function withDb<T>(inspect: (query: <R>(text: string) => Promise<R[]>) => Promise<T>): Promise<T> {
    if (database.url) return inspect((text) => queryRows(database.db, sql.raw(text)));
    // The killed process left its home lock behind: opening here takes it over.
    const local = await openDatabase({ home });
    try {
      return await inspect((text) => queryRows(local.db, sql.raw(text)));
    } finally {
      await local.close();
    }
  }
  /** The URLs of the page requests the web saw since log entry `from` (answered ones only, if asked). */
  const pageRequests = (from: number, answered = false) =>
    web.log
      .slice(from)
      .filter((r) => r.path.startsWith('/p') && (!answered || r.outcome === 'answered'))
      .map((r) => `http://${r.address}:${web.port}${r.path}`);

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({
      hosts: Object.fromEntries(
        HOSTS.map((h) => [h, { pages: Object.fromEntries(Array.from({ length: PAGES }, (_, i) => [`/p${i}`, story(`${h} story ${i}`)])) }]),
      ),
    });
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-crash-'));
    const urls = HOSTS.flatMap((h) => Array.from({ length: PAGES }, (_, i) => web.url(h, `/p${i}`)));
    writeFileSync(
      path.join(home, 'e1.md'),
      `---\nid: e1\ntitle: Audit\nsources:\n${urls.map((u) => `- url: ${u}\n`).join('')}---\nAn audit.\n`,
    );
    expect((await runCli(['ingest', path.join(home, 'e1.md')], env())).code).toBe(0);
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('every answered request is stored or asked again next pass, and no host is left busy', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const rng = createRng(seed);
    const total = HOSTS.length * PAGES;
    const lostPerRound: number[] = [];
    const dueAll = 'update sources set next_check_at = null';
    await withDb((query) => query(dueAll));
    for (const kill of ['SIGKILL', 'SIGKILL', 'SIGKILL', 'double Ctrl-C']) {
      const roundStart = new Date().toISOString();
      const from = web.log.length;
      // Killed while at least 7 pages are still unasked: one host then has 3 slow pages (60 ms each,
      // 30 ms apart) to go, over 200 ms of work, so a kill within 100 ms always lands inside the pass.
      const afterRequests = rng.int(1, total - 7);
      const afterMs = rng.int(0, 100);
      const where = `seed ${seed}, ${kill} after ${afterRequests} page requests + ${afterMs} ms`;
      const child = spawn(BIN, ['crawl'], { env: env(), stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      while (pageRequests(from).length < afterRequests) await web.waitForRequests(web.log.length + 1, { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, afterMs));
      if (kill === 'SIGKILL') child.kill('SIGKILL');
      else {
        child.kill('SIGINT');
        await new Promise((r) => setTimeout(r, 10));
        child.kill('SIGINT');
      }
      await exited;
      const answered = new Set(pageRequests(from, true));
      expect(answered.size, `${where}: the pass was killed before its end`).toBeLessThan(total);

      const afterKill = await withDb((query) =>
        query<{ url: string; due: boolean; stored: boolean }>(
          `select url, coalesce(next_check_at <= now(), true) as due,
                  exists (select 1 from captures c where c.source_id = sources.id and c.started_at >= '${roundStart}') as stored
           from sources`,
        ),
      );
      expect(
        afterKill.filter((s) => !s.stored && !s.due).map((s) => s.url),
        `${where}: sources neither stored nor due`,
      ).toEqual([]);
      const lost = afterKill.filter((s) => !s.stored && answered.has(s.url)).map((s) => s.url);
      lostPerRound.push(lost.length);

      const next = web.log.length;
      const again = await runCli(['crawl', '--json'], env());
      expect(again.code, `${where}: ${again.stderr}`).toBe(0);
      expect(JSON.parse(again.stdout), where).toMatchObject({ hostsSkipped: 0, checked: afterKill.filter((s) => s.due).length });
      const askedAgain = new Set(pageRequests(next));
      expect(
        lost.filter((u) => !askedAgain.has(u)),
        `${where}: answered, lost and not asked again`,
      ).toEqual([]);
      const [left] = await withDb(async (query) => {
        const counts = await query<{ unstored: number; leased: number }>(
          `select (select count(*)::int from sources s where not exists (select 1 from captures c where c.source_id = s.id and c.started_at >= '${roundStart}')) as unstored,
                  (select count(*)::int from hosts where lease_owner is not null) + (select count(*)::int from sources where lease_owner is not null) as leased`,
        );
        await query(dueAll);
        return counts;
      });
      expect(left, where).toEqual({ unstored: 0, leased: 0 });
    }
    console.log(`crash test (seed ${seed}): answered but lost on kill, then asked again, per round: ${lostPerRound.join(', ')}`);
  }, 180_000);
});
