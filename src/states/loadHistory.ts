import { and, desc, eq, getTableColumns, inArray, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
import { captures, hosts, snapshots, sources, sourceStates } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import { currentExtraction } from '../archive/rederive.js';
import { EXTRACTOR_VERSION, type Signals } from '../extract/index.js';
import { looksLikeProbe, PROBE_TEXT_CHARS, type HostProbe } from './looksLikeProbe.js';
import { observeCapture, type CaptureFacts } from './observeCapture.js';

/** How many recent captures the classifier sees: enough for any confirming streak. */
export const HISTORY_WINDOW = 20;

/** A capture with the snapshot whose text is compared (the rendered one when there is one). */
export type LoadedCapture = CaptureFacts & { textSnapshotId: number | null; textHash: string | null; title: string | null };

export type SourceHistory = {
  source: typeof sources.$inferSelect;
  captures: LoadedCapture[];
  /**
   * What the newest capture is compared against: the capture an editor re-verified
   * (sources.verified_capture_id), else the latest earlier capture whose content was read.
   */
  verified: LoadedCapture | null;
};

/** What loadHistory reads of a source: its row, its newest captures (oldest first), their snapshots' rows without bodies, its host's probe. */
export type HistoryRows = {
  source: typeof sources.$inferSelect;
  rows: (typeof captures.$inferSelect)[];
  /** Without their bodies, and their texts cut to what looksLikeProbe reads. */
  snaps: Map<number, Omit<typeof snapshots.$inferSelect, 'body'>>;
  probe: HostProbe | null;
};

/**
 * The rows loadHistory needs, for many sources in three statements: a pass settles its sources a
 * batch at a time, and on the embedded database each statement costs the crawl's thread about as
 * much as the rows it reads. A source that does not exist is absent from the answer.
 */
export async function readHistoryRows(db: Queryable, sourceIds: number[]): Promise<Map<number, HistoryRows>> {
  const out = new Map<number, HistoryRows>();
  if (sourceIds.length === 0) return out;
  // Each source's newest captures through its index (a lateral join), however long its history.
  const recent = db
    .select()
    .from(captures)
    .where(eq(captures.sourceId, sources.id))
    .orderBy(desc(captures.startedAt), desc(captures.id))
    .limit(HISTORY_WINDOW)
    .as('recent');
  const joined = await db.select().from(sources).leftJoinLateral(recent, sql`true`).where(inArray(sources.id, sourceIds));
  for (const { sources: source, recent: row } of joined) {
    const entry: HistoryRows = out.get(source.id) ?? { source, rows: [], snaps: new Map(), probe: null };
    if (row) entry.rows.push(row);
    out.set(source.id, entry);
  }
  const byHost = new Map<string, HistoryRows[]>();
  const snapshotIds = new Set<number>();
  for (const entry of out.values()) {
    // Newest first from the join, in the order of startedAt then id: oldest first for the classifier.
    entry.rows.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id);
    for (const r of entry.rows) {
      const id = r.renderedSnapshotId ?? r.snapshotId;
      if (id !== null) snapshotIds.add(id);
    }
    byHost.set(entry.source.host, [...(byHost.get(entry.source.host) ?? []), entry]);
  }
  // Bodies are not read here: only a snapshot without current signals needs its body (signalsOf).
  // Nor whole texts: the probe comparison reads their beginning only (most of what a batch read).
  const { body: _body, text, ...rest } = getTableColumns(snapshots);
  const withoutBody = { ...rest, text: sql<string | null>`left(${text}, ${PROBE_TEXT_CHARS})`.as('text') };
  const snaps = snapshotIds.size
    ? await db
        .select(withoutBody)
        .from(snapshots)
        .where(inArray(snapshots.id, [...snapshotIds]))
    : [];
  const snapById = new Map(snaps.map((snap) => [snap.id, snap]));
  for (const entry of out.values())
    for (const r of entry.rows) {
      const id = r.renderedSnapshotId ?? r.snapshotId;
      const snap = id !== null ? snapById.get(id) : undefined;
      if (snap) entry.snaps.set(snap.id, snap);
    }
  const probes = await db
    .select({ host: hosts.host, probe: hosts.probe })
    .from(hosts)
    .where(inArray(hosts.host, [...byHost.keys()]));
  for (const { host, probe } of probes) for (const entry of byHost.get(host) ?? []) entry.probe = (probe ?? null) as HostProbe | null;
  return out;
}

/**
 * Reads what classifying a source needs: recent captures joined with their snapshots and the host's
 * soft-404 probe (the rows given, when the caller read them with others: readHistoryRows). Signals come from the snapshot rows (stored at capture time); a body is read and
 * re-extracted only when its stored signals are missing or from an older extractor, once per snapshot.
 */
export async function loadHistory(db: Queryable, sourceId: number, signalDepth: number, given?: HistoryRows): Promise<SourceHistory> {
  const read = given ?? (await readHistoryRows(db, [sourceId])).get(sourceId);
  if (!read) throw new NotFoundError(`source ${sourceId} does not exist`);
  const { source, rows, probe } = read;
  const byId = read.snaps;

  const signalCache = new Map<number, Promise<Signals | null>>();
  const signalsOf = (id: number) => {
    const snap = byId.get(id)!;
    if (!signalCache.has(id)) {
      const stored = snap.signals && snap.extractorVersion === EXTRACTOR_VERSION ? snap.signals : null;
      signalCache.set(id, stored ? Promise.resolve(stored) : currentExtraction(db, id).then((e) => e.signals));
    }
    return signalCache.get(id)!;
  };
  const facts = async (r: (typeof rows)[number], withSignals: boolean): Promise<LoadedCapture> => {
    const textSnapshotId = r.renderedSnapshotId ?? r.snapshotId;
    const snap = textSnapshotId !== null ? byId.get(textSnapshotId) : undefined;
    const hasPage = (r.outcome === 'fetched' || r.outcome === 'not-modified') && snap !== undefined;
    // Error bodies count too: a challenge page comes with a 403 or 503.
    const wantSignals = withSignals && snap !== undefined;
    return {
      id: r.id,
      at: r.startedAt,
      outcome: r.outcome,
      errorKind: r.errorKind,
      httpStatus: r.httpStatus,
      finalUrl: r.finalUrl,
      redirects: r.redirects,
      headers: r.headers,
      snapshotId: textSnapshotId,
      textSnapshotId,
      textHash: snap?.textHash ?? null,
      title: snap?.title ?? null,
      signals: wantSignals ? rendered(r, await signalsOf(snap.id)) : null,
      matchesProbe:
        hasPage &&
        looksLikeProbe({ requestedUrl: r.requestedUrl, finalUrl: r.finalUrl, text: snap.text, fingerprint: snap.fingerprint }, probe),
    };
  };
  const loaded: LoadedCapture[] = [];
  for (const [i, r] of rows.entries()) loaded.push(await facts(r, i >= rows.length - signalDepth));

  let verified = await editorBaseline(db, source, rows, (i) => facts(rows[i], true));
  for (let i = loaded.length - 2; i >= 0 && !verified; i--) {
    const c = loaded[i].signals || loaded[i].textSnapshotId === null ? loaded[i] : await facts(rows[i], true);
    loaded[i] = c;
    if (c.textSnapshotId !== null && observeCapture(source.url, c).kind === 'content') verified = c;
  }
  // A window not full holds every capture of the source: there is nothing past it to look for.
  if (rows.length === HISTORY_WINDOW) verified ??= await lastRecordedContent(db, sourceId, rows[0]?.id);
  return { source, captures: loaded, verified };
}

/**
 * The capture an editor re-verified, while the source has not changed since: later content is
 * compared with it, so small edits cannot creep past one by one. Once a change away from it is
 * recorded (state changed), captures are compared with their predecessor again, as before any
 * re-verification, so a changed page's noise never counts as one new change after another.
 */
async function editorBaseline(
  db: Queryable,
  source: typeof sources.$inferSelect,
  rows: (typeof captures.$inferSelect)[],
  loadAt: (index: number) => Promise<LoadedCapture>,
): Promise<LoadedCapture | null> {
  const id = source.verifiedCaptureId;
  const newest = rows[rows.length - 1];
  if (id === null || source.state === 'changed' || !newest || id >= newest.id) return null;
  const inWindow = rows.findIndex((r) => r.id === id);
  if (inWindow >= 0) return loadAt(inWindow);
  const [row] = await db
    .select({ capture: captures, textHash: snapshots.textHash, title: snapshots.title })
    .from(captures)
    .innerJoin(snapshots, eq(snapshots.id, sql`coalesce(${captures.renderedSnapshotId}, ${captures.snapshotId})`))
    .where(and(eq(captures.id, id), eq(captures.sourceId, source.id)));
  return row ? loadedFrom(row) : null;
}

/** A page a browser rendered is not waiting for its scripts, whatever its script-to-text ratio says. */
function rendered(r: typeof captures.$inferSelect, signals: Signals | null): Signals | null {
  if (!signals) return null;
  return r.renderedSnapshotId !== null || r.fetcher === 'browser' ? { ...signals, scriptShell: false } : signals;
}

/** Past the window (a long outage), the capture at which ok or changed content was last recorded. */
async function lastRecordedContent(db: Queryable, sourceId: number, before: number | undefined): Promise<LoadedCapture | null> {
  if (before === undefined) return null;
  const [row] = await db
    .select({ capture: captures, textHash: snapshots.textHash, title: snapshots.title })
    .from(sourceStates)
    .innerJoin(captures, eq(captures.id, sourceStates.captureId))
    .innerJoin(snapshots, eq(snapshots.id, sql`coalesce(${captures.renderedSnapshotId}, ${captures.snapshotId})`))
    .where(and(eq(sourceStates.sourceId, sourceId), inArray(sourceStates.state, ['ok', 'changed']), lt(captures.id, before)))
    .orderBy(desc(sourceStates.id))
    .limit(1);
  return row ? loadedFrom(row) : null;
}

/** A capture read with its text snapshot's hash and title, outside the window (no signals needed). */
function loadedFrom(row: { capture: typeof captures.$inferSelect; textHash: string | null; title: string | null }): LoadedCapture {
  const c = row.capture;
  const textSnapshotId = c.renderedSnapshotId ?? c.snapshotId;
  return {
    id: c.id,
    at: c.startedAt,
    outcome: c.outcome,
    httpStatus: c.httpStatus,
    finalUrl: c.finalUrl,
    snapshotId: textSnapshotId,
    textSnapshotId,
    textHash: row.textHash,
    title: row.title,
  };
}
