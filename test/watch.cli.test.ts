import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { BIN, cliEnv, runCli } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

type LogLine = { at: string; level: string; job?: string; event: string; durationMs?: number; detail?: Record<string, unknown> };
const MINUTES = 60_000;

describe(`citewatch watch and jobs (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({ hosts: { 'w.example': { pages: { '/page': { kind: 'front', title: 'Watched page' } } } } });
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-watch-'));
    env = cliEnv(home, database.url, { CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE, CITEWATCH_HOST_DELAY_MS: '50' });
    writeFileSync(
      path.join(home, 'e.md'),
      `---\nid: watched\ntitle: Watched\nsources:\n- url: ${web.url('w.example', '/page')}\n---\nA claim.\n`,
    );
    // The timeline is read by the ingest job, every second like the crawl; the rest stays out of the way.
    const rare = '0 0 1 1 *';
    writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({
        timelinePaths: [path.join(home, 'e.md')],
        jobSchedules: { ingest: '* * * * * *', notify: rare, digest: rare, retention: rare },
      }),
    );
  }, 10 * MINUTES);
  afterAll(async () => {
    await web?.close();
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'runs its jobs on their schedules with one JSON log line per event, serves the app, and exits 0 on Ctrl-C',
    async () => {
      const child = spawn(BIN, ['--json', 'watch', '--schedule', '* * * * * *', '--serve', '--port', '0'], { env });
      let stdout = '';
      const lines = () =>
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as LogLine);
      const crawlsDone = () => lines().filter((l) => l.job === 'crawl' && l.event === 'finished');
      // Two crawl passes after the ingest job has read the timeline.
      const enough = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (crawlsDone().filter((l) => Number(l.detail?.checked) > 0).length > 0 && crawlsDone().length >= 3) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await enough;
      const serving = lines().find((l) => l.event === 'serving');
      const health = await fetch(`${serving?.detail?.address}/healthz`);
      expect(await health.json()).toMatchObject({ ok: true });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const all = lines();
      for (const l of all)
        expect(Object.keys(l).every((k) => ['at', 'level', 'job', 'event', 'durationMs', 'detail'].includes(k))).toBe(true);
      const ingested = all.find((l) => l.job === 'ingest' && l.event === 'finished');
      expect(ingested?.detail).toMatchObject({ events: { added: 1 } });
      const passes = crawlsDone().map((l) => l.detail!);
      // The first pass after the ingest checks the source; the next ones find nothing due.
      const first = passes.findIndex((p) => Number(p.checked) > 0);
      expect(passes[first]).toMatchObject({ checked: 1, stateMoves: { ok: 1 } });
      expect(passes.slice(first + 1).every((p) => p.checked === 0)).toBe(true);
      expect(typeof crawlsDone()[0].durationMs).toBe('number');
      // After stopping, runs in flight may finish but none starts; stopped comes last.
      const events = all.map((l) => l.event);
      const stopping = events.indexOf('stopping');
      expect(stopping).toBeGreaterThan(0);
      expect(events.slice(stopping).filter((e) => e === 'started')).toEqual([]);
      expect(events[events.length - 1]).toBe('stopped');
      expect(web.log.filter((r) => r.path === '/page')).toHaveLength(1);
    },
    10 * MINUTES,
  );

  it(
    'lists the jobs with schedule, last run, result and next run; runs one now; refuses an unknown one',
    async () => {
      const manual = await runCli(['jobs', 'run', 'crawl'], env);
      expect(manual.code).toBe(0);
      const asked = Date.now();
      const listed = await runCli(['--json', 'jobs'], env);
      expect(listed.code).toBe(0);
      const jobs = JSON.parse(listed.stdout) as {
        name: string;
        schedule: string;
        scheduleFrom: string;
        lastRun: { result: string; trigger: string; durationMs: number } | null;
        nextRun: string;
      }[];
      expect(jobs.map((j) => j.name)).toEqual(['crawl', 'ingest', 'notify', 'digest', 'retention']);
      const crawl = jobs.find((j) => j.name === 'crawl')!;
      expect(crawl).toMatchObject({ schedule: '*/15 * * * *', scheduleFrom: 'default', lastRun: { result: 'ok', trigger: 'manual' } });
      expect(crawl.lastRun!.durationMs).toBeGreaterThanOrEqual(0);
      expect(jobs.find((j) => j.name === 'ingest')).toMatchObject({
        schedule: '* * * * * *',
        scheduleFrom: 'jobSchedules',
        lastRun: { result: 'ok' },
      });
      expect(jobs.find((j) => j.name === 'retention')!.lastRun).toBeNull();
      for (const j of jobs) expect(new Date(j.nextRun).getTime()).toBeGreaterThan(asked);
      const table = await runCli(['jobs'], env);
      expect(table.stdout).toMatch(/^job\s+schedule\s+last run\s+took\s+result\s+next run/);
      const unknown = await runCli(['jobs', 'run', 'nope'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('citewatch: no job named "nope"; the jobs are: crawl, ingest, notify, digest, retention\n');
    },
    10 * MINUTES,
  );
});
