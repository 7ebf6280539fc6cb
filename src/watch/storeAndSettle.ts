import type { CaptureRow } from '../archive/store.js';
import { storeCaptures, type CaptureInput } from '../archive/storeCaptures.js';
import type { Config } from '../config/loadConfig.js';
import { nextCheckAfterMove } from '../crawl/reschedule.js';
import type { Db, Tx } from '../db/open.js';
import { reasonOf } from '../errors.js';
import { readSettleRows, settleSource, type StateUpdate } from './settleSource.js';

/** A stored batch: its capture rows in input order, what settling each source did, and the sources that could not be settled. */
export type SettledBatch = { rows: CaptureRow[]; updates: StateUpdate[]; failures: { sourceId: number; message: string }[] };

/** What runs a batch: storeAndSettle here, or the same on the embedded database's own thread. */
export type StoreAndSettle = (config: Config, inputs: CaptureInput[]) => Promise<SettledBatch>;

/**
 * Stores a batch of captures and, in the same transaction, settles every source in it (settleSource:
 * its state, the change behind it, the flags on the events citing it, their alerts). Plain data in
 * and out, so the embedded database's thread can run it next to PGlite (src/db/pgliteThread.ts),
 * where its many small statements cost no round trip through the crawl's busy thread.
 */
export async function storeAndSettle(db: Db, config: Config, inputs: CaptureInput[]): Promise<SettledBatch> {
  let settled: Omit<SettledBatch, 'rows'> = { updates: [], failures: [] };
  const rows = await storeCaptures(db, inputs, async (tx, stored) => {
    // Each source once per batch (a retry within the pass may store two of its captures), in order.
    const sourceIds = [...new Set(stored.map((c) => c.sourceId))];
    const read = await readSettleRows(tx, sourceIds);
    // The crawl scheduled the next check from the state before; a state that moved may want it sooner.
    const reschedule = nextCheckAfterMove(config);
    const settle = (sp: Tx, sourceId: number) => settleSource(sp, config, sourceId, read.get(sourceId), reschedule);
    try {
      // All sources in one savepoint: two statements per source fewer than one savepoint each.
      settled = { updates: await tx.transaction(async (sp) => sequentially(sourceIds, (id) => settle(sp, id))), failures: [] };
    } catch {
      // One source could not be settled: again, a savepoint each, so it keeps its capture and spoils nothing else.
      settled = { updates: [], failures: [] };
      for (const sourceId of sourceIds) {
        try {
          settled.updates.push(await tx.transaction((sp) => settle(sp, sourceId)));
        } catch (err) {
          settled.failures.push({ sourceId, message: reasonOf(err) });
        }
      }
    }
  });
  return { rows, ...settled };
}

async function sequentially<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
