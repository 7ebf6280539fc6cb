import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/loadConfig.js';
import type { Database } from '../src/db/open.js';
import { jobRuns, reviews, sources } from '../src/db/schema/index.js';
import { shareRecordPath } from '../src/db/shareRecord.js';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { settleSource } from '../src/watch/settleSource.js';
import { BIN, cliEnv, runCli } from './helpers/cli.js';
import { openCliDatabase, testDatabaseKind } from './helpers/db.js';
import { addCapture, articleHtml, seedEvent, seedSource } from './helpers/sourceHistory.js';

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2026, 3, 1) + n * DAY);
const PARAGRAPHS = [
  'The regulator fined the bank 12 million euros for failing to report suspicious transfers made by companies linked to the former governor.',
  'Investigators found that the transfers continued for two years after the first internal warning was sent to the compliance department.',
];
const ARTICLE_URL = 'https://finance.example.com/2026/04/bank-fined';
const MINUTES = 60_000;

/**
 * Other commands while `watch` runs a pass: on the embedded database they reach it through the
 * socket the service lends it on (the home is held); on PostgreSQL they share the server. The pass
 * is held open by a page that never answers, so every command below runs while it is in flight.
 */
describe(`commands while watch runs a pass (${testDatabaseKind})`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let web: SimWeb;
  let watch: ChildProcessWithoutNullStreams;
  let log = '';
  let exited: Promise<number | null>;
  let reopen: () => Promise<Database>;
  const cli = (...args: string[]) => runCli(args, env);
  const events = () =>
    log
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { job?: string; event: string; detail?: Record<string, unknown> });

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-share-'));
    web = await startSimWeb({ hosts: { 'stall.example': { pages: { '/hang': { kind: 'hang' } } } } });
    env = cliEnv(home, undefined, {
      CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE,
      CITEWATCH_HOST_DELAY_MS: '20',
      CITEWATCH_REVIEWER: 'desk',
      // The stalled request must outlast every command below, however slow the machine.
      CITEWATCH_READ_TIMEOUT_MS: String(60 * MINUTES),
      CITEWATCH_TOTAL_TIMEOUT_MS: String(60 * MINUTES),
    });
    const { database, reopen: again } = await openCliDatabase(home, env);
    reopen = again;
    const { db } = database;
    await seedEvent(db, { id: 'bank-fine', title: 'Regulator fined the bank 12 million euros', importance: 9 });
    const article = await seedSource(db, ARTICLE_URL, ['bank-fine']);
    for (const [n, html] of [
      [0, articleHtml('Bank fined', PARAGRAPHS)],
      [1, articleHtml('Bank fined', [PARAGRAPHS[0].replace('12 million', '21 million'), PARAGRAPHS[1]])],
    ] as const) {
      await addCapture(db, article, { at: day(n), html });
      await settleSource(db, defaultConfig({}), article.id);
    }
    // Only the stalling page is due: the pass the service starts stays in flight until the web closes.
    await db
      .update(sources)
      .set({ nextCheckAt: new Date(Date.now() + 30 * DAY) })
      .where(eq(sources.id, article.id));
    await seedSource(db, web.url('stall.example', '/hang'), ['bank-fine']);
    if (testDatabaseKind === 'pglite') await database.close();
    // The other jobs out of the way (an hourly ingest, a daily retention): this is about the crawl.
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ jobSchedules: { ingest: '0 0 1 1 *', retention: '0 0 1 1 *' } }));
    watch = spawn(BIN, ['--json', 'watch', '--schedule', '* * * * * *'], { env });
    watch.stdout.on('data', (chunk) => (log += chunk));
    exited = new Promise((resolve) => watch.on('exit', resolve));
    // Robots, the soft-404 probe, then the page that never answers.
    for (let n = 1; !web.log.some((r) => r.path === '/hang'); n++) await web.waitForRequests(n);
  }, 10 * MINUTES);
  afterAll(async () => {
    if (watch?.exitCode === null) watch.kill('SIGKILL');
    await web?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'status, flags, diff and flags resolve all succeed while the pass is in flight',
    async () => {
      const hang = web.log.find((r) => r.path === '/hang');
      expect(hang?.outcome).toBe('pending');
      const [status, flags, diff, jobs] = await Promise.all([
        cli('--json', 'status'),
        cli('--json', 'flags'),
        cli('diff', ARTICLE_URL),
        cli('--json', 'jobs'),
      ]);
      const resolve = await cli('flags', 'resolve', 'bank-fine', '--note', 'corrected to 21 million');
      for (const run of [status, flags, diff, resolve, jobs])
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const shown = JSON.parse(status.stdout);
      expect(shown.sources).toBe(2);
      if (testDatabaseKind === 'pglite') expect(shown.database.location).toMatch(/shared by citewatch watch \(pid \d+\)/);
      expect(JSON.parse(flags.stdout).map((f: { eventId: string }) => f.eventId)).toEqual(['bank-fine']);
      expect(diff.stdout).toContain('21');
      expect(resolve.stdout).toMatch(/flag \d+ of event bank-fine resolved by desk/);
      const crawl = JSON.parse(jobs.stdout).find((j: { name: string }) => j.name === 'crawl');
      expect(crawl.lastRun.result).toBe('running');
      // Still the same pass: the stalled request has not ended, and no crawl run has finished.
      expect(hang?.outcome).toBe('pending');
      expect(events().filter((e) => e.job === 'crawl' && e.event === 'finished')).toEqual([]);
    },
    10 * MINUTES,
  );

  it(
    'a client that vanishes mid-transaction is rolled back, and the service goes on',
    async () => {
      const target =
        testDatabaseKind === 'pglite'
          ? postgres({ path: JSON.parse(readFileSync(shareRecordPath(home), 'utf8')).socket, max: 1, prepare: false, onnotice: () => {} })
          : postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      let inserted!: () => void;
      const insertedRow = new Promise<void>((r) => (inserted = r));
      const abandoned = target
        .begin(async (tx) => {
          await tx`insert into job_runs (job, trigger) values ('vanishing-client', 'manual')`;
          inserted();
          await new Promise(() => {});
        })
        .catch((err: Error) => err);
      await insertedRow;
      await target.end({ timeout: 0 });
      expect(await abandoned).toBeInstanceOf(Error);
      const after = await cli('--json', 'flags', '--all');
      expect(after.code).toBe(0);
      expect(JSON.parse(after.stdout)[0]).toMatchObject({ eventId: 'bank-fine', state: 'resolved' });
      expect(watch.exitCode).toBeNull();
    },
    10 * MINUTES,
  );

  it(
    'stops cleanly on SIGTERM once the stalled request ends, keeping what the commands wrote',
    async () => {
      watch.kill('SIGTERM');
      await web.close();
      expect(await exited).toBe(0);
      const names = events().map((e) => `${e.job ?? '-'} ${e.event}`);
      expect(names).toContain('- stopping');
      expect(names[names.length - 1]).toBe('- stopped');
      const database = await reopen();
      try {
        const { db } = database;
        expect(await db.select().from(reviews)).toEqual([expect.objectContaining({ action: 'resolve', reviewer: 'desk' })]);
        expect(await db.select().from(jobRuns).where(eq(jobRuns.job, 'vanishing-client'))).toEqual([]);
        const runs = await db
          .select()
          .from(jobRuns)
          .where(inArray(jobRuns.job, ['crawl']));
        expect(runs.filter((r) => r.result === 'running')).toEqual([]);
        expect(runs.some((r) => r.result === 'ok' && r.trigger === 'schedule')).toBe(true);
      } finally {
        await database.close();
      }
    },
    10 * MINUTES,
  );
});
