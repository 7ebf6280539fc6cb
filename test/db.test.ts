import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { acquireHomeLock } from '../src/db/homeLock.js';
import { queryRows } from '../src/db/open.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { REPO } from './helpers/paths.js';

describe(`database (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('opens migrated and empty', async () => {
    const tables = await queryRows<{ name: string }>(
      database.db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['events', 'sources', 'citations', 'captures', 'snapshots', 'changes', 'flags']),
    );
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from events`);
    expect(n).toBe(0);
  });
});

/**
 * A process that races for home locks on command: `race <home> <at>` sleeps until the clock reads
 * `at` (woken together, the racers start within microseconds of each other even on a busy
 * machine, which a spin loop does not achieve), tries, and prints won or busy. It keeps
 * what it won until its stdin ends, so losers that look later still find a live holder.
 */
const RACER = `
import { createInterface } from 'node:readline';
const { acquireHomeLock } = await import(process.env.LOCK_MODULE);
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [, home, at] = line.split(' ');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, Number(at) - Date.now()));
  let result;
  try { acquireHomeLock(home); result = 'won'; } catch (err) { result = /in use by another citewatch process/.test(err.message) ? 'busy' : 'error ' + err.message; }
  console.log(result);
}`;

const deadPid = (): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });

describe('home lock', () => {
  const homes: string[] = [];
  const home = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'citewatch-lock-'));
    homes.push(dir);
    return dir;
  };
  afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

  it('keeps a second holder out while the first lives, and is free again once released', () => {
    const dir = home();
    // Our own pid in the file counts as stale (pid reuse), so the live holder is stood in for by the parent.
    writeFileSync(path.join(dir, 'db.lock'), `${process.ppid}\n`);
    expect(() => acquireHomeLock(dir)).toThrow(new RegExp(`in use by another citewatch process \\(pid ${process.ppid}\\)`));
    rmSync(path.join(dir, 'db.lock'));
    const release = acquireHomeLock(dir);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a stale lock whose last claimant died mid-takeover too', async () => {
    const dir = home();
    const lock = path.join(dir, 'db.lock');
    writeFileSync(lock, `${await deadPid()}\n`);
    writeFileSync(`${lock}.${statSync(lock).ino}`, `${await deadPid()}\n`);
    acquireHomeLock(dir);
    expect(readdirSync(dir)).toEqual(['db.lock']);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('of many processes racing for a stale lock (dead pid, or empty as a crash mid-write left it), exactly one wins', async () => {
    const racers: ChildProcessWithoutNullStreams[] = [];
    const answers: ReturnType<typeof createInterface>[] = [];
    for (let i = 0; i < 10; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RACER], {
        cwd: REPO,
        env: { ...process.env, LOCK_MODULE: path.join(REPO, 'src/db/homeLock.ts') },
      });
      racers.push(child);
      answers.push(createInterface({ input: child.stdout }));
    }
    const next = (i: number) => new Promise<string>((resolve) => answers[i].once('line', resolve));
    try {
      expect(await Promise.all(racers.map((_, i) => next(i)))).toEqual(racers.map(() => 'ready'));
      for (let round = 0; round < 10; round++) {
        const dir = home();
        writeFileSync(path.join(dir, 'db.lock'), round % 3 === 2 ? '' : `${await deadPid()}\n`);
        const at = Date.now() + 200;
        const results = racers.map((_, i) => next(i));
        for (const r of racers) r.stdin.write(`race ${dir} ${at}\n`);
        const outcome = await Promise.all(results);
        expect(
          outcome.filter((o) => o === 'won'),
          `round ${round}: ${outcome.join(', ')}`,
        ).toHaveLength(1);
        expect(outcome.filter((o) => o !== 'won' && o !== 'busy')).toEqual([]);
        expect(readdirSync(dir)).toEqual(['db.lock']); // no temp file or claim left behind
      }
    } finally {
      for (const r of racers) r.stdin.end();
      await Promise.all(racers.map((r) => new Promise((resolve) => (r.exitCode !== null ? resolve(null) : r.on('exit', resolve)))));
    }
  }, 60_000);
});
