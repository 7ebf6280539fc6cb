import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { captures, changes, citations, events, flags, flagSources, snapshots, sources, sourceStates } from '../../db/schema/index.js';
import { NotFoundError } from '../../errors.js';
import { listReviews, type AuditEntry } from '../../flags/auditLog.js';
import { newestContentCaptures } from '../../flags/sourceDecisions.js';

/** Everything the event page shows, read in a handful of queries whatever the number of sources. */

/** Captures shown per source in its compact history. */
export const HISTORY_SHOWN = 30;

export type CaptureMarkInput = { id: number; at: Date; outcome: string; httpStatus: number | null; state: string | null };
/** A capture as the event page shows it: a mark in the history, and for the newest what the URL answers. */
export type ShownCapture = CaptureMarkInput & {
  sourceId: number;
  errorKind: string | null;
  finalUrl: string | null;
  requestedUrl: string;
};
export type SnapshotText = { captureId: number; at: Date; title: string | null; text: string };
export type EventSource = {
  citation: typeof citations.$inferSelect;
  source: typeof sources.$inferSelect;
  history: CaptureMarkInput[];
  newest: ShownCapture | null;
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
  // A source's latest entry on the flag.
  const entryOf = new Map(entries.map((e) => [e.sourceId, e]));
  const flaggedOf = (sourceId: number) => entryOf.get(sourceId) ?? null;

  const history = await recentCaptures(db, sourceIds);
  const replacements = cited.map((c) => c.source.replacedBySourceId).filter((id): id is number => id !== null);
  const replacedUrls = new Map(
    replacements.length
      ? (await db.select({ id: sources.id, url: sources.url }).from(sources).where(inArray(sources.id, replacements))).map((r) => [
          r.id,
          r.url,
        ])
      : [],
  );
  const changeOf = new Map<number, number>();
  for (const { source } of cited) {
    const changeId = flaggedOf(source.id)?.changeId ?? (source.state === 'changed' ? source.stateChangeId : null);
    if (changeId !== null) changeOf.set(source.id, changeId);
  }
  const changed = await loadChanges(db, changeOf);
  const vanished = cited.map((c) => c.source).filter((s) => s.state === 'vanished' || flaggedOf(s.id)?.state === 'vanished');
  const lastGood = await loadLastGood(db, vanished);

  const result: EventSource[] = cited.map(({ citation, source }) => {
    const mine = history.get(source.id) ?? [];
    const flagged = flaggedOf(source.id);
    return {
      citation,
      source,
      history: mine.map(({ id, at, outcome, httpStatus, state }) => ({ id, at, outcome, httpStatus, state })).reverse(),
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
      change: changed.get(source.id) ?? null,
      lastGood: lastGood.get(source.id) ?? null,
      replacedBy: source.replacedBySourceId !== null ? (replacedUrls.get(source.replacedBySourceId) ?? null) : null,
    };
  });
  const log = await listReviews(db, { eventId });
  return { event, flag: flag ?? null, sources: result, reviews: log };
}

const textSnapshot = sql<number>`coalesce(${captures.renderedSnapshotId}, ${captures.snapshotId})`;

/** The last HISTORY_SHOWN captures of each source, newest first, with the state recorded at each: one query. */
async function recentCaptures(db: Db, sourceIds: number[]): Promise<Map<number, ShownCapture[]>> {
  const bySource = new Map<number, ShownCapture[]>();
  if (sourceIds.length === 0) return bySource;
  const recent = db
    .select({
      id: captures.id,
      sourceId: captures.sourceId,
      at: captures.startedAt,
      outcome: captures.outcome,
      httpStatus: captures.httpStatus,
      errorKind: captures.errorKind,
      finalUrl: captures.finalUrl,
      requestedUrl: captures.requestedUrl,
    })
    .from(captures)
    .where(eq(captures.sourceId, sources.id))
    .orderBy(desc(captures.startedAt), desc(captures.id))
    .limit(HISTORY_SHOWN)
    .as('recent');
  const rows = await db
    .select({
      ...recent._.selectedFields,
      state: sql<string | null>`(select x.state from ${sourceStates} x
        where x.source_id = ${recent.sourceId} and x.capture_id = ${recent.id} order by x.id desc limit 1)`,
    })
    .from(sources)
    .innerJoinLateral(recent, sql`true`)
    .where(inArray(sources.id, sourceIds))
    .orderBy(asc(recent.sourceId), desc(recent.at), desc(recent.id));
  for (const row of rows) {
    const list = bySource.get(row.sourceId);
    if (list) list.push(row);
    else bySource.set(row.sourceId, [row]);
  }
  return bySource;
}

/** Each source's change with the first capture showing either side's text: two queries for all sources. */
async function loadChanges(db: Db, changeOf: Map<number, number>): Promise<Map<number, NonNullable<EventSource['change']>>> {
  const out = new Map<number, NonNullable<EventSource['change']>>();
  if (changeOf.size === 0) return out;
  const rows = new Map(
    (
      await db
        .select()
        .from(changes)
        .where(inArray(changes.id, [...new Set(changeOf.values())]))
    ).map((r) => [r.id, r]),
  );
  const wanted: [number, number][] = [];
  for (const [sourceId, changeId] of changeOf) {
    const row = rows.get(changeId);
    if (row) wanted.push([sourceId, row.fromSnapshotId], [sourceId, row.toSnapshotId]);
  }
  if (wanted.length === 0) return out;
  const sides = await db
    .selectDistinctOn([captures.sourceId, textSnapshot], {
      sourceId: captures.sourceId,
      snapshotId: textSnapshot.mapWith(Number),
      captureId: captures.id,
      at: captures.startedAt,
      title: snapshots.title,
      text: snapshots.text,
    })
    .from(captures)
    .innerJoin(snapshots, eq(snapshots.id, textSnapshot))
    .where(or(...wanted.map(([sourceId, snapshotId]) => and(eq(captures.sourceId, sourceId), eq(textSnapshot, snapshotId)))))
    .orderBy(captures.sourceId, textSnapshot, asc(captures.startedAt), asc(captures.id));
  const side = (sourceId: number, snapshotId: number): SnapshotText | null => {
    const found = sides.find((s) => s.sourceId === sourceId && s.snapshotId === snapshotId);
    return found ? { captureId: found.captureId, at: found.at, title: found.title, text: found.text ?? '' } : null;
  };
  for (const [sourceId, changeId] of changeOf) {
    const row = rows.get(changeId);
    const before = row ? side(sourceId, row.fromSnapshotId) : null;
    const after = row ? side(sourceId, row.toSnapshotId) : null;
    if (row && before && after) out.set(sourceId, { row, before, after });
  }
  return out;
}

/** The text of each vanished source's last good capture: two queries for all of them. */
async function loadLastGood(db: Db, vanished: (typeof sources.$inferSelect)[]): Promise<Map<number, SnapshotText>> {
  const out = new Map<number, SnapshotText>();
  const newest = await newestContentCaptures(db, vanished);
  const ids = [...newest.values()].filter((id): id is number => id !== null);
  if (ids.length === 0) return out;
  const rows = await db
    .select({ captureId: captures.id, sourceId: captures.sourceId, at: captures.startedAt, title: snapshots.title, text: snapshots.text })
    .from(captures)
    .innerJoin(snapshots, eq(snapshots.id, textSnapshot))
    .where(inArray(captures.id, ids));
  for (const r of rows) out.set(r.sourceId, { captureId: r.captureId, at: r.at, title: r.title, text: r.text ?? '' });
  return out;
}
