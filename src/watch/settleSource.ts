import { writeFlagAlerts, type AlertSettings } from '../alerts/writeAlerts.js';
import type { Queryable } from '../db/open.js';
import { recordChange } from '../diff/store.js';
import { applyFlagPlans, type FlagOutcome } from '../flags/applyFlagPlans.js';
import { classifySource, type ChangeFacts, type StateConfig, type StateVerdict } from '../states/classifySource.js';
import { loadHistory, readHistoryRows, type HistoryRows } from '../states/loadHistory.js';
import { observeCapture } from '../states/observeCapture.js';
import {
  comparedSnapshots,
  currentState,
  latestState,
  readRecordedStates,
  recordState,
  type NextCheckAfterMove,
  type RecordedStates,
} from '../states/stateStore.js';

export type StateUpdate = { sourceId: number; previous: StateVerdict; verdict: StateVerdict; moved: boolean; flags: FlagOutcome[] };

/** What settling a source reads before it writes, read for a whole batch at once (readSettleRows). */
export type SettleRows = { history: HistoryRows; states: RecordedStates };

/** SettleRows of many sources in five statements; a source that does not exist is absent. */
export async function readSettleRows(db: Queryable, sourceIds: number[]): Promise<Map<number, SettleRows>> {
  const [histories, states] = [await readHistoryRows(db, sourceIds), await readRecordedStates(db, sourceIds)];
  const out = new Map<number, SettleRows>();
  for (const [id, history] of histories) out.set(id, { history, states: states.get(id) ?? { latest: null, lastContent: null } });
  return out;
}

/**
 * Everything a stored capture implies, in the order a reader follows it: what the source showed
 * (states), the change in its content (diff), the state it is in now (states), the flags on the
 * events citing it (flags), the alerts telling each channel of them (alerts). Runs in the caller's
 * transaction: the pass runs it in the one that stores the capture, so a capture never lands without
 * its consequences, and a flag never without its alerts. `read`: its rows, when the caller read them
 * with a batch's (readSettleRows); nothing settling one source writes is read for another.
 * `nextCheckAfterMove`: how a moved state moves the next check (recordState), when the caller says.
 */
export async function settleSource(
  db: Queryable,
  config: StateConfig & AlertSettings,
  sourceId: number,
  read?: SettleRows,
  nextCheckAfterMove?: NextCheckAfterMove,
): Promise<StateUpdate> {
  const history = await loadHistory(db, sourceId, config.vanishedAfterChecks + 1, read?.history);
  const previous = await currentState(db, history.source, read?.states);
  const newest = history.captures[history.captures.length - 1];
  if (!newest) return { sourceId, previous, verdict: previous, moved: false, flags: [] };

  let change: ChangeFacts | null = null;
  const pair = comparedSnapshots(history);
  if (pair && newest.outcome === 'fetched' && observeCapture(history.source.url, newest).kind === 'content') {
    const row = await recordChange(db, pair.from, pair.to);
    change = { id: row.id, classification: row.classification, kinds: row.kinds };
  }

  const lastContent = read ? read.states.lastContent : await latestState(db, sourceId, ['ok', 'changed']);
  const verdict = classifySource({ url: history.source.url, captures: history.captures, change, previous, lastContent, config });
  const moved = await recordState(db, history, previous, verdict, nextCheckAfterMove);
  const flags = await applyFlagPlans(db, { sourceId, ...verdict });
  await writeFlagAlerts(db, config, { sourceId, ...verdict }, flags);
  return { sourceId, previous, verdict, moved, flags };
}
