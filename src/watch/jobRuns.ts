import { and, desc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/open.js';
import { jobRuns } from '../db/schema/index.js';

export type JobTrigger = 'schedule' | 'manual';
export type JobResult = 'running' | 'ok' | 'failed' | 'skipped';
export type JobRun = typeof jobRuns.$inferSelect;

export async function insertRun(db: Queryable, job: string, trigger: JobTrigger, workerId: string): Promise<JobRun> {
  const [row] = await db.insert(jobRuns).values({ job, trigger, workerId, result: 'running' }).returning();
  return row;
}

export async function finishRun(db: Db, id: number, result: Exclude<JobResult, 'running'>, detail: Record<string, unknown>): Promise<void> {
  await db.update(jobRuns).set({ result, detail, finishedAt: new Date() }).where(eq(jobRuns.id, id));
}

/** A tick that found the job still running (here or in another process): recorded, and nothing run. */
export async function recordSkipped(db: Db, job: string, trigger: JobTrigger, workerId: string, reason: string): Promise<void> {
  const now = new Date();
  await db.insert(jobRuns).values({ job, trigger, workerId, result: 'skipped', startedAt: now, finishedAt: now, detail: { reason } });
}

/** Runs of `job` still marked running, other than `exceptId`. */
export async function runningRuns(db: Queryable, job: string, exceptId?: number): Promise<JobRun[]> {
  return db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.result, 'running'), exceptId === undefined ? undefined : ne(jobRuns.id, exceptId)));
}

/** Runs whose worker is gone (killed mid-run): closed as failed, so `citewatch jobs` does not show them running forever. */
export async function closeAbandoned(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(jobRuns)
    .set({ result: 'failed', finishedAt: new Date(), detail: { error: 'the worker stopped before the run finished' } })
    .where(inArray(jobRuns.id, ids));
}

/** For `citewatch jobs`: each job's latest run that was not skipped, and its latest run of any kind. */
export async function latestRuns(db: Db): Promise<Map<string, { last: JobRun | null; lastSkipped: JobRun | null }>> {
  const rows = await db
    .selectDistinctOn([jobRuns.job, sql`${jobRuns.result} = 'skipped'`])
    .from(jobRuns)
    .orderBy(jobRuns.job, sql`${jobRuns.result} = 'skipped'`, desc(jobRuns.startedAt), desc(jobRuns.id));
  const out = new Map<string, { last: JobRun | null; lastSkipped: JobRun | null }>();
  for (const row of rows) {
    const entry = out.get(row.job) ?? { last: null, lastSkipped: null };
    if (row.result === 'skipped') entry.lastSkipped = row;
    else entry.last = row;
    out.set(row.job, entry);
  }
  return out;
}

/** How long finished runs are kept: the notify job alone records one every 30 seconds. */
export const JOB_RUNS_KEPT_MS = 30 * 86_400_000;

/**
 * Deletes finished runs started before `before`, except each job's latest run and latest skipped
 * tick, which `citewatch jobs` shows however old they are. Answers how many went.
 */
export async function pruneJobRuns(db: Db, before: Date): Promise<number> {
  const shown = sql`select distinct on (job, result = 'skipped') id from job_runs order by job, result = 'skipped', started_at desc, id desc`;
  const deleted = await db
    .delete(jobRuns)
    .where(and(ne(jobRuns.result, 'running'), lt(jobRuns.startedAt, before), sql`${jobRuns.id} not in (${shown})`))
    .returning({ id: jobRuns.id });
  return deleted.length;
}
