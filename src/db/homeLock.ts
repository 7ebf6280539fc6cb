import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../errors.js';

/**
 * PGlite is single-process: two processes writing one data directory would corrupt it. A lock file
 * holding our pid keeps a second citewatch out with a clear message; a stale lock (its process is
 * gone, e.g. after kill -9) is taken over, so a killed run never blocks the next one.
 */
export function acquireHomeLock(home: string): () => void {
  const file = path.join(home, 'db.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(file, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new DatabaseError(
        `the embedded database in ${home} is in use by another citewatch process (pid ${holder}); ` +
          'wait for it, or set DATABASE_URL to share a PostgreSQL server between processes',
        { retryable: true },
      );
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
