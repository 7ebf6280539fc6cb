import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
import { sources, sourceStates } from '../db/schema/index.js';
import { PENDING, type SourceState, type StateVerdict } from './classifySource.js';
import type { SourceHistory } from './loadHistory.js';

/** The latest recorded state of a source, optionally among some states only. */
export async function latestState(db: Queryable, sourceId: number, among: SourceState[] | null): Promise<StateVerdict | null> {
  const where = among ? and(eq(sourceStates.sourceId, sourceId), inArray(sourceStates.state, among)) : eq(sourceStates.sourceId, sourceId);
  const [row] = await db.select().from(sourceStates).where(where).orderBy(desc(sourceStates.id)).limit(1);
  return row ? verdictOf(row) : null;
}

/** What settling a source reads of its states: the latest recorded, and the latest with content (ok or changed). */
export type RecordedStates = { latest: StateVerdict | null; lastContent: StateVerdict | null };

/** RecordedStates of many sources in two statements; a source with none recorded is absent. */
export async function readRecordedStates(db: Queryable, sourceIds: number[]): Promise<Map<number, RecordedStates>> {
  const out = new Map<number, RecordedStates>();
  if (sourceIds.length === 0) return out;
  const newest = (among: SourceState[] | null) =>
    db
      .selectDistinctOn([sourceStates.sourceId])
      .from(sourceStates)
      .where(
        among
          ? and(inArray(sourceStates.sourceId, sourceIds), inArray(sourceStates.state, among))
          : inArray(sourceStates.sourceId, sourceIds),
      )
      .orderBy(sourceStates.sourceId, desc(sourceStates.id));
  const entry = (id: number) => out.get(id) ?? out.set(id, { latest: null, lastContent: null }).get(id)!;
  for (const row of await newest(null)) entry(row.sourceId).latest = verdictOf(row);
  for (const row of await newest(['ok', 'changed'])) entry(row.sourceId).lastContent = verdictOf(row);
  return out;
}

function verdictOf(row: typeof sourceStates.$inferSelect): StateVerdict {
  return { state: row.state, reason: row.reason, sinceCaptureId: row.sinceCaptureId, changeId: row.changeId };
}

/** The state a source is in now: its latest recorded one (read here unless given), or what its row says (pending at first). */
export async function currentState(db: Queryable, source: SourceHistory['source'], recorded?: RecordedStates): Promise<StateVerdict> {
  const latest = recorded ? recorded.latest : await latestState(db, source.id, null);
  return latest ?? { ...PENDING, state: source.state, reason: source.stateReason, changeId: source.stateChangeId };
}

/**
 * Which two snapshots the newest capture's content is compared by: the last verified one and the
 * newest, when their text or title differ. Pure; null when there is nothing to compare.
 */
export function comparedSnapshots(history: SourceHistory): { from: number; to: number } | null {
  const { verified, captures } = history;
  const newest = captures[captures.length - 1];
  if (!verified || !newest || newest.textSnapshotId === null || verified.textSnapshotId === null) return null;
  if (newest.textSnapshotId === verified.textSnapshotId) return null;
  return newest.textHash !== verified.textHash || newest.title !== verified.title
    ? { from: verified.textSnapshotId, to: newest.textSnapshotId }
    : null;
}

/** The source's row as a moved verdict leaves it. */
export type SourceRow = typeof sources.$inferSelect;

/**
 * When a verdict moves, the caller may move the source's next check too, from the row as the verdict
 * leaves it and its newest capture, in the same statement (the pass: src/crawl/reschedule.ts).
 * Undefined leaves the next check as it is.
 */
export type NextCheckAfterMove = (source: SourceRow, newest: SourceHistory['captures'][number]) => Date | undefined;

/**
 * Records a verdict when it moves: the source's row, and a line of its state history at the newest
 * capture. Answers whether it moved.
 */
export async function recordState(
  db: Queryable,
  history: SourceHistory,
  previous: StateVerdict,
  verdict: StateVerdict,
  nextCheckAfterMove?: NextCheckAfterMove,
): Promise<boolean> {
  const moved = verdict.state !== previous.state || verdict.reason !== previous.reason || verdict.changeId !== previous.changeId;
  const newest = history.captures[history.captures.length - 1];
  if (!moved || !newest) return false;
  const episodeMoved =
    verdict.state !== previous.state || verdict.changeId !== previous.changeId || verdict.sinceCaptureId !== previous.sinceCaptureId;
  const since = history.captures.find((c) => c.id === verdict.sinceCaptureId)?.at ?? newest.at;
  const sourceId = history.source.id;
  const set: Partial<SourceRow> = {
    state: verdict.state,
    stateReason: verdict.reason,
    stateChangeId: verdict.changeId,
    ...(episodeMoved ? { stateSince: since } : {}),
  };
  const nextCheckAt = nextCheckAfterMove?.({ ...history.source, ...set }, newest);
  await db
    .update(sources)
    .set(nextCheckAt ? { ...set, nextCheckAt } : set)
    .where(eq(sources.id, sourceId));
  await db.insert(sourceStates).values({
    sourceId,
    state: verdict.state,
    reason: verdict.reason,
    captureId: newest.id,
    changeId: verdict.changeId,
    sinceCaptureId: verdict.sinceCaptureId,
    at: newest.at,
  });
  return true;
}
