import { inArray, sql, type SQL } from 'drizzle-orm';
import { chunks } from '../db/chunks.js';
import { queryRows, type Db, type Tx } from '../db/open.js';
import { captures, hosts, snapshots, sourceUrls } from '../db/schema/index.js';
import { sanitizeForDb } from '../db/sanitizeText.js';
import { snapshotColumns } from './snapshotColumns.js';
import type { CaptureRow, PreparedSnapshot } from './store.js';

export type NewCapture = Omit<typeof captures.$inferInsert, 'id' | 'snapshotId' | 'renderedSnapshotId' | 'bodyHash'>;

export type SourceUpdate = {
  checkedAt: Date;
  nextCheckAt: Date;
  consecutiveFailures: number;
  /** Validators to send next time; undefined leaves the stored ones alone. */
  etag?: string | null;
  lastModified?: string | null;
};

export type HostTouch = { host: string; at: Date; notBefore?: Date | null; renderMode?: 'http' | 'browser' };

/** One attempt on its way into the archive. */
export type CaptureInput = {
  capture: NewCapture;
  raw?: PreparedSnapshot | null;
  /** For a 304: the snapshot the page still has. */
  reuseSnapshotId?: number | null;
  rendered?: PreparedSnapshot | null;
  reuseRenderedSnapshotId?: number | null;
  source: { id: number; url: string; host: string };
  update: SourceUpdate;
  hostTouched?: HostTouch;
};

/**
 * What else must happen in the transaction that stores a batch (the pass derives states and flags
 * there), so that a crash never leaves a capture without its consequences.
 */
export type AfterStore = (tx: Tx, rows: CaptureRow[]) => Promise<void>;

/** Archives one attempt: see storeCaptures. */
export async function storeCapture(db: Db, input: CaptureInput, afterStore?: AfterStore): Promise<CaptureRow> {
  const [row] = await storeCaptures(db, [input], afterStore);
  return row;
}

/**
 * Archives attempts in one transaction: their snapshots (once per hash), the capture rows, each
 * source's schedule, the hosts' news and the URLs the sources were finally found at. A batch is a
 * handful of multi-row statements whatever its size, which is what makes a pass cheap on an
 * embedded database; and an interrupted crawl never leaves a capture without its snapshot.
 * Rows come back in input order. Every string bound for a text or jsonb column (titles, text,
 * signals, headers, URLs, messages) is made storable here, once: a page cannot fail its batch.
 */
export async function storeCaptures(db: Db, given: CaptureInput[], afterStore?: AfterStore): Promise<CaptureRow[]> {
  if (given.length === 0) return [];
  const inputs = sanitizeForDb(given);
  return db.transaction(async (tx) => {
    const snapshotIds = await putSnapshots(
      tx,
      inputs.flatMap((i) => [i.raw, i.rendered]).filter((s): s is PreparedSnapshot => !!s),
    );
    const idOf = (s: PreparedSnapshot | null | undefined, reuse: number | null | undefined) =>
      s ? (s.existingId ?? snapshotIds.get(s.hash)!) : (reuse ?? null);
    // Ids drawn first, so each row is matched to its input whatever order RETURNING gives.
    const ids = await nextIds(tx, 'captures_id_seq', inputs.length);
    const values = inputs.map((i, n) => ({
      ...i.capture,
      id: ids[n],
      snapshotId: idOf(i.raw, i.reuseSnapshotId),
      renderedSnapshotId: idOf(i.rendered, i.reuseRenderedSnapshotId),
      bodyHash: i.raw?.hash ?? null,
    }));
    const rows = new Map<number, CaptureRow>();
    for (const chunk of chunks(values, 500)) for (const row of await tx.insert(captures).values(chunk).returning()) rows.set(row.id, row);
    await updateSchedules(tx, inputs);
    await touchHosts(tx, foldHostTouches(inputs));
    await noteFinalUrls(tx, inputs);
    const stored = ids.map((id) => rows.get(id)!);
    await afterStore?.(tx, stored);
    return stored;
  });
}

async function nextIds(tx: Tx, sequence: string, n: number): Promise<number[]> {
  const rows = await queryRows<{ id: string | number }>(
    tx,
    sql`select nextval(${sequence}::regclass)::bigint as id from generate_series(1, ${n}::int)`,
  );
  return rows.map((r) => Number(r.id));
}

/** Inserts the snapshots not yet archived (one per hash) and answers the id of every hash given. */
async function putSnapshots(tx: Tx, prepared: PreparedSnapshot[]): Promise<Map<string, number>> {
  const fresh = new Map<string, PreparedSnapshot>();
  for (const s of prepared) if (s.existingId === null) fresh.set(s.hash, s);
  const ids = new Map<string, number>();
  for (const chunk of chunks([...fresh.values()], 100)) {
    const inserted = await tx
      .insert(snapshots)
      .values(chunk.map(snapshotRow))
      .onConflictDoNothing({ target: snapshots.hash })
      .returning({ id: snapshots.id, hash: snapshots.hash });
    for (const r of inserted) ids.set(r.hash, r.id);
  }
  // Hashes another worker stored a moment ago.
  const missing = [...fresh.keys()].filter((h) => !ids.has(h));
  for (const chunk of chunks(missing, 500)) {
    for (const r of await tx.select({ id: snapshots.id, hash: snapshots.hash }).from(snapshots).where(inArray(snapshots.hash, chunk)))
      ids.set(r.hash, r.id);
  }
  return ids;
}

function snapshotRow(s: PreparedSnapshot): typeof snapshots.$inferInsert {
  return {
    hash: s.hash,
    kind: s.kind,
    contentType: s.contentType,
    size: s.size,
    body: s.gzipped!, // only fresh snapshots (existingId null) get here, and prepareSnapshot compressed those
    ...snapshotColumns(s.extracted),
  };
}

/**
 * One UPDATE for every source in the batch. A source checked twice in one batch (a retry within the
 * pass) ends as the later attempt left it; validators stay as the last attempt that set any left them.
 */
async function updateSchedules(tx: Tx, inputs: CaptureInput[]): Promise<void> {
  const bySource = new Map<number, SourceUpdate & { setValidators: boolean }>();
  for (const { source, update } of inputs) {
    const before = bySource.get(source.id);
    const setValidators = update.etag !== undefined || update.lastModified !== undefined;
    bySource.set(
      source.id,
      setValidators || !before
        ? { ...update, setValidators }
        : { ...update, etag: before.etag, lastModified: before.lastModified, setValidators: before.setValidators },
    );
  }
  for (const chunk of chunks([...bySource], 500)) {
    const rows = sql.join(
      chunk.map(
        ([id, u]) =>
          sql`(${id}::int, ${u.checkedAt.toISOString()}::timestamptz, ${u.nextCheckAt.toISOString()}::timestamptz, ${u.consecutiveFailures}::int, ${u.setValidators}::boolean, ${u.etag ?? null}::text, ${u.lastModified ?? null}::text)`,
      ),
      sql`, `,
    );
    await tx.execute(sql`update sources set checked_at = v.checked_at, next_check_at = v.next_check_at, consecutive_failures = v.failures,
      etag = case when v.set_validators then v.etag else sources.etag end,
      last_modified = case when v.set_validators then v.last_modified else sources.last_modified end
      from (values ${rows}) as v(id, checked_at, next_check_at, failures, set_validators, etag, last_modified)
      where sources.id = v.id`);
  }
}

/** Each touched host once: the latest request time, and the latest wait and render mode given. */
function foldHostTouches(inputs: CaptureInput[]): HostTouch[] {
  const byHost = new Map<string, HostTouch>();
  for (const { hostTouched: t } of inputs) {
    if (!t) continue;
    const before = byHost.get(t.host);
    if (!before) byHost.set(t.host, t);
    else {
      byHost.set(t.host, {
        host: t.host,
        at: t.at > before.at ? t.at : before.at,
        notBefore: t.notBefore !== undefined ? t.notBefore : before.notBefore,
        renderMode: t.renderMode ?? before.renderMode,
      });
    }
  }
  return [...byHost.values()];
}

/**
 * Records that each host was asked at `at` (and, when known, until when it asked us to wait, and its
 * render mode): one statement per combination of what is known, not one per host (a batch early in
 * a pass touches hundreds of hosts).
 */
async function touchHosts(tx: Tx, touches: HostTouch[]): Promise<void> {
  const shapes = new Map<string, HostTouch[]>();
  for (const t of touches) {
    const shape = `${t.notBefore !== undefined} ${t.renderMode !== undefined}`;
    if (!shapes.has(shape)) shapes.set(shape, []);
    shapes.get(shape)!.push(t);
  }
  for (const group of shapes.values()) {
    const [{ notBefore, renderMode }] = group;
    const set: Partial<Record<keyof typeof hosts.$inferInsert, SQL>> = { lastRequestAt: sql`excluded.last_request_at` };
    if (notBefore !== undefined) set.notBefore = sql`excluded.not_before`;
    if (renderMode !== undefined) set.renderMode = sql`excluded.render_mode`;
    const values = group.map((t) => ({
      host: t.host,
      lastRequestAt: t.at,
      ...(t.notBefore !== undefined && { notBefore: t.notBefore }),
      ...(t.renderMode !== undefined && { renderMode: t.renderMode }),
    }));
    for (const chunk of chunks(values, 500)) await tx.insert(hosts).values(chunk).onConflictDoUpdate({ target: hosts.host, set });
  }
}

/** Where each source was finally found, when that differs from its URL (once per URL per batch). */
async function noteFinalUrls(tx: Tx, inputs: CaptureInput[]): Promise<void> {
  const seen = new Map<string, { sourceId: number; url: string; kind: 'final' }>();
  for (const { capture, source } of inputs) {
    const url = capture.finalUrl;
    if (url && url !== source.url && capture.outcome !== 'network-error')
      seen.set(`${source.id} ${url}`, { sourceId: source.id, url, kind: 'final' });
  }
  for (const chunk of chunks([...seen.values()], 500)) {
    await tx
      .insert(sourceUrls)
      .values(chunk)
      .onConflictDoUpdate({ target: [sourceUrls.sourceId, sourceUrls.url, sourceUrls.kind], set: { lastSeenAt: sql`now()` } });
  }
}
