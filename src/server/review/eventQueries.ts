import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { captures, changes, citations, events, flags, flagSources, snapshots, sources, sourceStates } from '../../db/schema/index.js';
import { NotFoundError } from '../../errors.js';
import { listReviews, type AuditEntry } from '../../flags/auditLog.js';
import { newestContentCapture } from '../../flags/sourceDecisions.js';

/** Everything the event page shows, read in a handful of queries whatever the number of sources. */

/** Captures shown per source in its compact history. */
export const HISTORY_SHOWN = 30;

export type CaptureMarkInput = { id: number; at: Date; outcome: string; httpStatus: number | null; state: string | null };
export type SnapshotText = { captureId: number; at: Date; title: string | null; text: string };
export type EventSource = {
  citation: typeof citations.$inferSelect;
  source: typeof sources.$inferSelect;
  history: CaptureMarkInput[];
  newest: typeof captures.$inferSelect | null;
  /** On the flag: the state that raised it, its change and whether it touches the claim. */
  entry: { state: string; reason: string | null; changeId: number | null; touches: boolean; terms: string[] } | null;
  change: { row: typeof changes.$inferSelect; before: SnapshotText; after: SnapshotText } | null;
  lastGood: SnapshotText | null;
  replacedBy: string | null;
};
export type EventPage = {
  event: typeof events.$inferSelect;
  flag: typeof flags.$inferSelect | null;
  sources: EventSource[];
  reviews: AuditEntry[];
};

export async function loadEventPage(db: Db, eventId: string): Promise<EventPage> {
  const [event] = await db.select().from(events).where(eq(events.id, eventId));
  if (!event) throw new NotFoundError(`event ${eventId} does not exist`);
  const [flag] = await db.select().from(flags).where(eq(flags.eventId, eventId)).orderBy(desc(flags.id)).limit(1);
  const entries = flag ? await db.select().from(flagSources).where(eq(flagSources.flagId, flag.id)).orderBy(asc(flagSources.id)) : [];
  const cited = await db
    .select({ citation: citations, source: sources })
    .from(citations)
    .innerJoin(sources, eq(sources.id, citations.sourceId))
    .where(eq(citations.eventId, eventId))
    .orderBy(sql`${citations.detachedAt} is not null`, asc(citations.position), asc(citations.id));
  const sourceIds = cited.map((c) => c.source.id);
  const shown: (typeof captures.$inferSelect)[] = [];
  for (const id of sourceIds) {
    shown.push(
      ...(await db
        .select()
        .from(captures)
        .where(eq(captures.sourceId, id))
        .orderBy(desc(captures.startedAt), desc(captures.id))
        .limit(HISTORY_SHOWN)),
    );
  }
  const states = shown.length
    ? await db
        .select({ captureId: sourceStates.captureId, state: sourceStates.state })
        .from(sourceStates)
        .where(
          inArray(
            sourceStates.captureId,
            shown.map((c) => c.id),
          ),
        )
        .orderBy(asc(sourceStates.id))
    : [];
  const stateAt = new Map(states.map((s) => [s.captureId, s.state]));
  const replacements = cited.map((c) => c.source.replacedBySourceId).filter((id): id is number => id !== null);
  const replacedUrls = replacements.length
    ? new Map(
        (await db.select({ id: sources.id, url: sources.url }).from(sources).where(inArray(sources.id, replacements))).map((r) => [
          r.id,
          r.url,
        ]),
      )
    : new Map<number, string>();

  const result: EventSource[] = [];
  for (const { citation, source } of cited) {
    const mine = shown.filter((c) => c.sourceId === source.id).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id - a.id);
    const flagged = [...entries].reverse().find((e) => e.sourceId === source.id) ?? null;
    const changeId = flagged?.changeId ?? (source.state === 'changed' ? source.stateChangeId : null);
    const flaggedVanish = source.state === 'vanished' || flagged?.state === 'vanished';
    result.push({
      citation,
      source,
      history: mine
        .slice()
        .reverse()
        .map((c) => ({ id: c.id, at: c.startedAt, outcome: c.outcome, httpStatus: c.httpStatus, state: stateAt.get(c.id) ?? null })),
      newest: mine[0] ?? null,
      entry: flagged
        ? {
            state: flagged.state,
            reason: flagged.reason,
            changeId: flagged.changeId,
            touches: flagged.touchesClaim?.touches ?? false,
            terms: flagged.touchesClaim?.terms ?? [],
          }
        : null,
      change: changeId !== null ? await loadChange(db, source.id, changeId) : null,
      lastGood: flaggedVanish ? await loadCaptureText(db, await newestContentCapture(db, source)) : null,
      replacedBy: source.replacedBySourceId !== null ? (replacedUrls.get(source.replacedBySourceId) ?? null) : null,
    });
  }
  const log = await listReviews(db, { eventId });
  return { event, flag: flag ?? null, sources: result, reviews: log };
}

async function loadChange(db: Db, sourceId: number, changeId: number): Promise<EventSource['change']> {
  const [row] = await db.select().from(changes).where(eq(changes.id, changeId));
  if (!row) return null;
  const side = async (snapshotId: number): Promise<SnapshotText | null> => {
    const [found] = await db
      .select({ id: captures.id, at: captures.startedAt, title: snapshots.title, text: snapshots.text })
      .from(captures)
      .innerJoin(snapshots, eq(snapshots.id, snapshotId))
      .where(and(eq(captures.sourceId, sourceId), sql`coalesce(${captures.renderedSnapshotId}, ${captures.snapshotId}) = ${snapshotId}`))
      .orderBy(asc(captures.startedAt))
      .limit(1);
    return found ? { captureId: found.id, at: found.at, title: found.title, text: found.text ?? '' } : null;
  };
  const [before, after] = await Promise.all([side(row.fromSnapshotId), side(row.toSnapshotId)]);
  return before && after ? { row, before, after } : null;
}

async function loadCaptureText(db: Db, captureId: number | null): Promise<SnapshotText | null> {
  if (captureId === null) return null;
  const [row] = await db
    .select({ at: captures.startedAt, title: snapshots.title, text: snapshots.text })
    .from(captures)
    .innerJoin(snapshots, eq(snapshots.id, sql`coalesce(${captures.renderedSnapshotId}, ${captures.snapshotId})`))
    .where(eq(captures.id, captureId));
  return row ? { captureId, at: row.at, title: row.title, text: row.text ?? '' } : null;
}
