import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/open.js';
import { sources, sourceStates } from '../db/schema/index.js';
import { recordChange } from '../diff/store.js';
import { applyFlagPlans, type FlagOutcome } from '../flags/applyFlagPlans.js';
import { classifySource, PENDING, type ChangeFacts, type SourceState, type StateConfig, type StateVerdict } from './classifySource.js';
import { loadHistory } from './loadHistory.js';
import { observeCapture } from './observeCapture.js';

export type StateUpdate = { sourceId: number; previous: StateVerdict; verdict: StateVerdict; moved: boolean; flags: FlagOutcome[] };

/**
 * Re-derives one source's state after a capture (the crawler's onCaptured hook): compares the new
 * content with the last verified content, classifies the recent history, records the state and its
 * history when it moves, and raises flags on the events citing the source. Writes in one transaction.
 */
export async function updateSourceState(db: Db, config: StateConfig, sourceId: number): Promise<StateUpdate> {
  // Reading and re-extracting is the slow part and stays outside the transaction.
  const history = await loadHistory(db, sourceId, config.vanishedAfterChecks + 1);
  const { source, captures, verified } = history;
  const newest = captures[captures.length - 1];
  return db.transaction(async (tx) => {
    const previous = await latestState(tx, sourceId, null) ?? { ...PENDING, state: source.state as SourceState, reason: source.stateReason, changeId: source.stateChangeId };
    if (!newest) return { sourceId, previous, verdict: previous, moved: false, flags: [] };
    let change: ChangeFacts | null = null;
    const differs =
      verified && newest.textSnapshotId !== null && newest.textSnapshotId !== verified.textSnapshotId && (newest.textHash !== verified.textHash || newest.title !== verified.title);
    if (differs && newest.outcome === 'fetched' && observeCapture(source.url, newest).kind === 'content') {
      const row = await recordChange(tx as unknown as Db, verified.textSnapshotId!, newest.textSnapshotId!);
      change = { id: row.id, classification: row.classification, kinds: row.kinds };
    }
    const lastContent = await latestState(tx, sourceId, ['ok', 'changed']);
    const verdict = classifySource({ url: source.url, captures, change, previous, lastContent, config });
    const moved = verdict.state !== previous.state || verdict.reason !== previous.reason || verdict.changeId !== previous.changeId;
    if (moved) {
      const episodeMoved = verdict.state !== previous.state || verdict.changeId !== previous.changeId || verdict.sinceCaptureId !== previous.sinceCaptureId;
      const since = captures.find((c) => c.id === verdict.sinceCaptureId)?.at ?? newest.at;
      await tx
        .update(sources)
        .set({ state: verdict.state, stateReason: verdict.reason, stateChangeId: verdict.changeId, ...(episodeMoved ? { stateSince: since } : {}) })
        .where(eq(sources.id, sourceId));
      await tx.insert(sourceStates).values({ sourceId, state: verdict.state, reason: verdict.reason, captureId: newest.id, changeId: verdict.changeId, sinceCaptureId: verdict.sinceCaptureId, at: newest.at });
    }
    const flags = await applyFlagPlans(tx, { sourceId, ...verdict });
    return { sourceId, previous, verdict, moved, flags };
  });
}

/** The latest recorded state of a source, optionally among some states only. */
async function latestState(tx: Tx, sourceId: number, among: SourceState[] | null): Promise<StateVerdict | null> {
  const where = among ? and(eq(sourceStates.sourceId, sourceId), inArray(sourceStates.state, among)) : eq(sourceStates.sourceId, sourceId);
  const [row] = await tx.select().from(sourceStates).where(where).orderBy(desc(sourceStates.id)).limit(1);
  return row ? { state: row.state as SourceState, reason: row.reason, sinceCaptureId: row.sinceCaptureId, changeId: row.changeId } : null;
}
