import { rm } from 'node:fs/promises';
import { and, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../db/open.js';
import { captures, changes, flagSources, reviews, snapshots, sources, sourceStates } from '../db/schema/index.js';
import { planRetention, type RetentionPolicy } from './retentionPlan.js';
import { screenshotPath } from './screenshots.js';

export type RetentionSummary = {
  sourcesConsidered: number;
  capturesDeleted: number;
  snapshotsDeleted: number;
  /** Screenshot files removed because no capture shows them any more. */
  screenshotsDeleted: number;
  interrupted: boolean;
};

/** Sources planned and pruned together: their captures are read at once, deleted in one transaction. */
const SOURCE_BATCH = 200;
const DAY_MS = 86_400_000;

/**
 * Applies the retention policy (retentionPlan.ts) source batch by source batch: only sources with a
 * capture older than the cutoff are read. Each batch's captures go in one transaction with the
 * snapshots no capture and no change refers to any more, so an interrupted run leaves nothing half
 * done. What protects a capture is read here: flag sources, state rows, verified baselines, reviews.
 */
export async function applyRetention(
  db: Db,
  policy: RetentionPolicy,
  now: Date,
  options: { signal?: AbortSignal; home?: string } = {},
): Promise<RetentionSummary> {
  const { signal, home } = options;
  const summary: RetentionSummary = {
    sourcesConsidered: 0,
    capturesDeleted: 0,
    snapshotsDeleted: 0,
    screenshotsDeleted: 0,
    interrupted: false,
  };
  if (policy.keepDays <= 0) return summary;
  const cutoff = new Date(now.getTime() - policy.keepDays * DAY_MS);
  const candidates = await db.selectDistinct({ sourceId: captures.sourceId }).from(captures).where(lt(captures.startedAt, cutoff));
  const reviewed = await reviewedCaptures(db);
  for (let i = 0; i < candidates.length; i += SOURCE_BATCH) {
    if (signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    const batch = candidates.slice(i, i + SOURCE_BATCH).map((c) => c.sourceId);
    summary.sourcesConsidered += batch.length;
    const referenced = new Set([...reviewed, ...(await referencedCaptures(db, batch))]);
    const rows = await db
      .select({
        id: captures.id,
        sourceId: captures.sourceId,
        startedAt: captures.startedAt,
        snapshotId: captures.snapshotId,
        rendered: captures.renderedSnapshotId,
      })
      .from(captures)
      .where(inArray(captures.sourceId, batch));
    const doomed = planRetention(
      rows.map((r) => ({ ...r, hasSnapshot: r.snapshotId !== null || r.rendered !== null, referenced: referenced.has(r.id) })),
      policy,
      now,
    );
    if (doomed.length === 0) continue;
    const deleted = await db.transaction(async (tx) => {
      const gone = await tx
        .delete(captures)
        .where(inArray(captures.id, doomed))
        .returning({ snapshotId: captures.snapshotId, rendered: captures.renderedSnapshotId, screenshot: captures.screenshotHash });
      const maybeOrphans = [...new Set(gone.flatMap((g) => [g.snapshotId, g.rendered]).filter((id): id is number => id !== null))];
      const screenshots = gone.map((g) => g.screenshot).filter((h): h is string => h !== null);
      return { captures: gone.length, snapshots: await deleteOrphanSnapshots(tx, maybeOrphans), screenshots };
    });
    summary.capturesDeleted += deleted.captures;
    summary.snapshotsDeleted += deleted.snapshots;
    if (home) summary.screenshotsDeleted += await deleteOrphanScreenshots(db, home, deleted.screenshots);
  }
  return summary;
}

/** Captures that rows of these sources refer to: flag sources, state history, the verified baseline. */
async function referencedCaptures(db: Db, sourceIds: number[]): Promise<number[]> {
  const [flagged, states, verified] = await Promise.all([
    db.select({ id: flagSources.sinceCaptureId }).from(flagSources).where(inArray(flagSources.sourceId, sourceIds)),
    db
      .select({ id: sourceStates.captureId, since: sourceStates.sinceCaptureId })
      .from(sourceStates)
      .where(inArray(sourceStates.sourceId, sourceIds)),
    db
      .select({ id: sources.verifiedCaptureId })
      .from(sources)
      .where(and(inArray(sources.id, sourceIds), isNotNull(sources.verifiedCaptureId))),
  ]);
  return [...flagged.map((r) => r.id), ...states.flatMap((r) => [r.id, r.since]), ...verified.map((r) => r.id)].filter(
    (id): id is number => id !== null,
  );
}

/** Every capture a review names (an editor's decision keeps what it was made on). */
async function reviewedCaptures(db: Db): Promise<number[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select distinct jsonb_array_elements_text(${reviews.captureIds}) as id from ${reviews} where jsonb_array_length(${reviews.captureIds}) > 0`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Of these screenshots (content-addressed files in the home), removes those no capture shows any
 * more. After the captures' transaction: a crash in between leaves a file behind, never a capture
 * without its file. Files of other machines' homes (workers sharing a server) stay where they are.
 */
async function deleteOrphanScreenshots(db: Db, home: string, hashes: string[]): Promise<number> {
  const unique = [...new Set(hashes)];
  if (unique.length === 0) return 0;
  const shown = await db.selectDistinct({ hash: captures.screenshotHash }).from(captures).where(inArray(captures.screenshotHash, unique));
  const kept = new Set(shown.map((r) => r.hash));
  let removed = 0;
  for (const hash of unique.filter((h) => !kept.has(h))) {
    await rm(screenshotPath(home, hash), { force: true });
    removed++;
  }
  return removed;
}

/** Of these snapshots, deletes those no capture (raw or rendered) and no change refers to. */
async function deleteOrphanSnapshots(db: Queryable, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const idList = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const gone = await db
    .delete(snapshots)
    .where(
      and(
        inArray(snapshots.id, ids),
        sql`not exists (select 1 from ${captures} c where c.snapshot_id in (${idList}) and c.snapshot_id = ${snapshots.id})`,
        sql`not exists (select 1 from ${captures} c where c.rendered_snapshot_id in (${idList}) and c.rendered_snapshot_id = ${snapshots.id})`,
        sql`not exists (select 1 from ${changes} ch where ch.from_snapshot_id = ${snapshots.id} or ch.to_snapshot_id = ${snapshots.id})`,
      ),
    )
    .returning({ id: snapshots.id });
  return gone.length;
}
