import { hostname } from 'node:os';
import { isAlive } from '../db/homeLock.js';
import { tryHoldSessionLock, type Database } from '../db/open.js';
import { closeAbandoned, insertRun, runningRuns, type JobRun, type JobTrigger } from './jobRuns.js';

/** Advisory lock keys of running jobs: (this, hashtext(job name)). Not the migrations' nor the crawl's or notify's liveness'. */
const JOB_LOCK_KEY = 7_130_518;

export type Claim = { run: JobRun; release(): Promise<void> } | { busy: string };

/**
 * Takes the right to run `job` now, across processes, and records the run as running. On a
 * PostgreSQL server: a session-level advisory lock per job, which dies with its process; any run
 * still marked running once we hold it was abandoned. On the embedded database every process is on
 * this machine but shares PGlite's one session (advisory locks cannot tell them apart), so the
 * running rows are the lock: one whose worker's pid is alive means busy; checked and written in one
 * transaction, which the shared database runs alone.
 */
export async function claimJob(database: Database, job: string, trigger: JobTrigger, workerId: string): Promise<Claim> {
  const { db } = database;
  if (database.kind === 'postgres') {
    const lock = await tryHoldSessionLock(db, JOB_LOCK_KEY, job);
    if (!lock.taken) {
      await lock.release();
      return { busy: `${job} is running in another process` };
    }
    try {
      await closeAbandoned(
        db,
        (await runningRuns(db, job)).map((r) => r.id),
      );
      return { run: await insertRun(db, job, trigger, workerId), release: lock.release };
    } catch (err) {
      await lock.release();
      throw err;
    }
  }
  return db.transaction(async (tx) => {
    const running = await runningRuns(tx, job);
    const live = running.filter((r) => workerAlive(r.workerId));
    if (live.length > 0) return { busy: `${job} is running (worker ${live[0].workerId})` };
    await closeAbandoned(
      tx,
      running.map((r) => r.id),
    );
    return { run: await insertRun(tx, job, trigger, workerId), release: async () => {} };
  });
}

/** A worker id is `host:pid` (crawl/checkSource.ts defaultWorkerId); our own pid here is an earlier life's. */
function workerAlive(workerId: string | null): boolean {
  const at = workerId?.lastIndexOf(':') ?? -1;
  if (!workerId || at < 0 || workerId.slice(0, at) !== hostname()) return false;
  return isAlive(Number(workerId.slice(at + 1)));
}
