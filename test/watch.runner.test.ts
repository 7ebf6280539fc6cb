import { hostname } from 'node:os';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/loadConfig.js';
import { openPostgres, type Database } from '../src/db/open.js';
import { jobRuns } from '../src/db/schema/index.js';
import type { ServiceJob } from '../src/watch/jobDeps.js';
import { createLogger, type LogEvent } from '../src/watch/logger.js';
import { createRunner } from '../src/watch/runner.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

/** A job whose runs wait until released, counting how many started. */
function gatedJob(name: string) {
  let release!: () => void;
  let started!: () => void;
  const job = {
    runs: 0,
    started: new Promise<void>((r) => (started = r)),
    gate: new Promise<void>((r) => (release = r)),
    release: () => release(),
    job: {
      name,
      description: 'waits',
      defaultSchedule: '* * * * *',
      run: async () => {
        job.runs++;
        started();
        await job.gate;
        return { waited: true };
      },
    } satisfies ServiceJob,
  };
  return job;
}

describe(`the job runner (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  /** The same database as another process sees it: its own session on PostgreSQL, the shared one on PGlite. */
  let elsewhere: Database;
  const lines: LogEvent[] = [];
  const log = { log: (e: LogEvent) => lines.push(e) };
  const deps = (db: Database, workerId: string) => ({
    database: db,
    config: defaultConfig({}),
    signal: new AbortController().signal,
    log,
    workerId,
  });
  // A live process that is not this one (PGlite's running rows are checked by pid on this host).
  const otherWorker = `${hostname()}:${process.ppid}`;
  const me = `${hostname()}:${process.pid}`;

  beforeAll(async () => {
    database = await openTestDatabase();
    elsewhere = database.url ? await openPostgres(database.url) : database;
  });
  afterAll(async () => {
    if (elsewhere !== database) await elsewhere?.close();
    await database?.close();
  });

  it('records a run as running, then ok with its result, and logs both ends', async () => {
    const job = gatedJob('counted');
    const runner = createRunner(deps(database, me));
    const outcome = runner.run(job.job, 'manual');
    await job.started;
    const [running] = await database.db.select().from(jobRuns).where(eq(jobRuns.job, 'counted'));
    expect(running).toMatchObject({ result: 'running', trigger: 'manual', workerId: me, finishedAt: null });
    job.release();
    expect(await outcome).toMatchObject({ result: 'ok', detail: { waited: true } });
    const [done] = await database.db.select().from(jobRuns).where(eq(jobRuns.job, 'counted'));
    expect(done).toMatchObject({ id: running.id, result: 'ok', detail: { waited: true } });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(lines.filter((l) => l.job === 'counted').map((l) => l.event)).toEqual(['started', 'finished']);
  });

  it('records a failure with its message and goes on', async () => {
    const failing: ServiceJob = {
      name: 'failing',
      description: 'throws',
      defaultSchedule: '* * * * *',
      run: async () => Promise.reject(new Error('receiver down')),
    };
    const outcome = await createRunner(deps(database, me)).run(failing, 'schedule');
    expect(outcome).toMatchObject({ result: 'failed', detail: { error: 'receiver down' } });
    const rows = await database.db.select().from(jobRuns).where(eq(jobRuns.job, 'failing'));
    expect(rows).toEqual([expect.objectContaining({ result: 'failed', detail: { error: 'receiver down' } })]);
    expect(lines.find((l) => l.job === 'failing' && l.event === 'failed')?.level).toBe('error');
  });

  it('skips a run while the previous one is going, in this process and in another, and records the skip', async () => {
    const job = gatedJob('single');
    const there = createRunner(deps(elsewhere, otherWorker));
    const here = createRunner(deps(database, me));
    const first = there.run(job.job, 'schedule');
    await job.started;
    expect(await there.run(job.job, 'schedule')).toMatchObject({
      result: 'skipped',
      detail: { reason: 'the previous run is still going' },
    });
    expect(await here.run(job.job, 'manual')).toMatchObject({ result: 'skipped' });
    job.release();
    await first;
    expect(job.runs).toBe(1);
    const rows = await database.db.select().from(jobRuns).where(eq(jobRuns.job, 'single'));
    expect(rows.map((r) => r.result).sort()).toEqual(['ok', 'skipped', 'skipped']);
    // Once it is over, the other process may run it.
    expect(await here.run({ ...job.job, run: async () => ({}) }, 'manual')).toMatchObject({ result: 'ok' });
  });

  it('closes a run whose worker died mid-run as failed, and runs', async () => {
    const [abandoned] = await database.db
      .insert(jobRuns)
      .values({ job: 'orphaned', trigger: 'schedule', result: 'running', workerId: `${hostname()}:4194303` })
      .returning();
    const job: ServiceJob = { name: 'orphaned', description: 'quick', defaultSchedule: '* * * * *', run: async () => ({ n: 1 }) };
    expect(await createRunner(deps(database, me)).run(job, 'manual')).toMatchObject({ result: 'ok' });
    const [closed] = await database.db.select().from(jobRuns).where(eq(jobRuns.id, abandoned.id));
    expect(closed).toMatchObject({ result: 'failed', detail: { error: 'the worker stopped before the run finished' } });
  });

  it('writes JSON log lines with the documented fields, and readable lines otherwise', () => {
    const out: string[] = [];
    const at = new Date('2026-06-01T12:00:00Z');
    createLogger(
      'json',
      (l) => out.push(l),
      () => at,
    ).log({ job: 'crawl', event: 'finished', durationMs: 1500, detail: { checked: 3 }, message: 'x' });
    createLogger(
      'text',
      (l) => out.push(l),
      () => at,
    ).log({ job: 'crawl', event: 'finished', durationMs: 1500, message: 'checked 3 \u001b[2J' });
    expect(JSON.parse(out[0])).toEqual({
      at: '2026-06-01T12:00:00.000Z',
      level: 'info',
      job: 'crawl',
      event: 'finished',
      durationMs: 1500,
      detail: { checked: 3 },
    });
    expect(out[1]).toBe('2026-06-01T12:00:00.000Z info  crawl finished in 1.5 s: checked 3 \\x1b[2J');
  });
});
