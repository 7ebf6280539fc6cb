import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../errors.js';

/**
 * PGlite is single-process: two processes writing one data directory would corrupt it. A lock file
 * holding our pid keeps a second citewatch out with a clear message; a stale lock (its process is
 * gone, e.g. after kill -9) is taken over, so a killed run never blocks the next one.
 */
export function acquireHomeLock(home: string): () => void {
  const taken = tryHomeLock(home);
  if (typeof taken === 'function') return taken;
  throw homeInUse(home, taken);
}

/** The lock's releaser, or the pid of the live process holding it (which may be sharing the database). */
export function tryHomeLock(home: string): (() => void) | number {
  return take(path.join(home, 'db.lock'));
}

export function homeInUse(home: string, pid: number): DatabaseError {
  return new DatabaseError(
    `the embedded database in ${home} is in use by another citewatch process (pid ${pid}); ` +
      'wait for it, run `citewatch watch` (which shares it with other commands), or set DATABASE_URL to share a PostgreSQL server',
    { retryable: true },
  );
}

/** How long to wait for another process's takeover of a stale lock (microseconds of work) to finish. */
const TAKEOVER_WAIT_TRIES = 400;
const TAKEOVER_WAIT_MS = 5;

/**
 * Takes `file`, or answers the pid of the live process holding it. No step is a read-then-write:
 * - a lock appears only fully written: a temp file holding our pid is link()ed to the name, and
 *   link() fails if the name exists, so a reader never sees an empty or half-written lock;
 * - a stale lock is replaced (rename over it) only by the one process that takes the claim named
 *   after its inode, `file.<ino>` (itself a lock, taken the same way, so a claimant killed midway
 *   is stale in turn), and only if, under the claim, the same inode with a dead pid is still there.
 *   Of any number of racers exactly one replaces it; the others then find a live holder.
 */
function take(file: string): (() => void) | number {
  for (let tries = 0; ; tries++) {
    const mine = writeTemp(file);
    try {
      linkSync(mine, file);
      return releaser(file, statSync(mine).ino);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(mine, { force: true });
    }
    const holder = readHolder(file);
    if (!holder) continue; // released in between: try again
    if (isAlive(holder.pid)) return holder.pid;
    const claim = take(`${file}.${holder.ino}`);
    if (typeof claim === 'number') {
      if (tries >= TAKEOVER_WAIT_TRIES) return claim;
      sleep(TAKEOVER_WAIT_MS);
      continue;
    }
    try {
      const now = readHolder(file);
      if (now?.ino !== holder.ino || isAlive(now.pid)) continue;
      const fresh = writeTemp(file);
      const ino = statSync(fresh).ino;
      renameSync(fresh, file);
      return releaser(file, ino);
    } finally {
      claim();
    }
  }
}

function writeTemp(file: string): string {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${process.pid}\n`, { flag: 'wx' });
  return temp;
}

/** Inode and pid read through one descriptor, so both describe the same file. */
function readHolder(file: string): { ino: number; pid: number } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return { ino: fstatSync(fd).ino, pid: Number(readFileSync(fd, 'utf8').trim()) };
  } finally {
    closeSync(fd);
  }
}

/** Removes the lock only while it is still ours (a live holder's lock is never taken over, but be sure). */
function releaser(file: string, ino: number): () => void {
  return () => {
    if (readHolder(file)?.ino === ino) rmSync(file, { force: true });
  };
}

/**
 * Our own pid in a lock is a leftover of an earlier life of this pid (containers restart with the
 * same pids), and a lock without a pid was left by a version that wrote it after creating it.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
