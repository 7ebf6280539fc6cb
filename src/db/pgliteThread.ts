/**
 * The worker thread that holds the embedded database for openEmbedded({ thread: true }): it opens
 * and migrates PGlite, then serves it on the socket it was given (shareServer.ts), so PostgreSQL's
 * WebAssembly runs on this thread and the opening thread only speaks the wire protocol. It also runs
 * a crawl's batches (storeAndSettle) itself, against PGlite directly: their many small statements
 * then cost no round trip through the crawl's busy thread.
 * Answers { ready } or { error } first; then { id, settled } or { id, error } per batch; on
 * { close } it stops serving, closes PGlite and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureInput } from '../archive/storeCaptures.js';
import type { Config } from '../config/loadConfig.js';
import { storeAndSettle } from '../watch/storeAndSettle.js';
import { startPglite, wrapPglite } from './open.js';
import type { ShareRecord } from './shareRecord.js';
import { startShareServer } from './shareServer.js';

export type ThreadCall = { id: number; config: Config; inputs: CaptureInput[] } | { close: true };

const { dataDir, record } = workerData as { dataDir: string; record: ShareRecord };

try {
  const pglite = await startPglite(dataDir);
  const { db } = await wrapPglite(pglite, dataDir);
  // The opening thread owns the socket's folder and the share record, and removes them.
  const share = await startShareServer(pglite, { record, cancel: () => {} });
  parentPort!.on('message', async (call: ThreadCall) => {
    if ('close' in call) {
      await share.close();
      await pglite.close();
      process.exit(0);
    }
    try {
      parentPort!.postMessage({ id: call.id, settled: await storeAndSettle(db, call.config, call.inputs) });
    } catch (err) {
      parentPort!.postMessage({ id: call.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  parentPort!.postMessage({ ready: true });
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
