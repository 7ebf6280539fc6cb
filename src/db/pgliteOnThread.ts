import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SettledBatch } from '../watch/storeAndSettle.js';
import { workerEntry } from '../workerEntry.js';
import { wrapPostgres, type Database } from './open.js';
import type { ThreadCall } from './pgliteThread.js';
import { socketClient } from './shareClient.js';
import type { ShareRecord } from './shareRecord.js';

/**
 * Connections to the thread: one can be reserved for a session lock while others work; more only
 * queue at the socket instead of here (PGlite runs one unit of work at a time).
 */
const CONNECTIONS = 4;

/**
 * V8 would give the thread's young objects up to 48 MiB of their own; the batches it stores are
 * short-lived and garbage-collected as well in a smaller space, which keeps a crawl under 1 GB.
 */
const YOUNG_GENERATION_MB = 8;

type Answer = { ready?: true; id?: number; settled?: SettledBatch; error?: string };

/**
 * The embedded database on a worker thread (pgliteThread.ts), which opens and migrates it and serves
 * it on record.socket; this thread talks to it with postgres.js, as to a server, and hands it a
 * crawl's batches to store and settle (Database.storeAndSettle). release runs once the thread
 * has closed the database.
 */
export async function openOnThread(dataDir: string, record: ShareRecord, release: () => Promise<void>): Promise<Database> {
  const worker = new Worker(workerEntry(import.meta.url, 'pgliteThread'), {
    workerData: { dataDir, record },
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const exited = once(worker, 'exit');
  const answer = await Promise.race([
    once(worker, 'message').then(([m]) => m as Answer),
    once(worker, 'error').then(([e]) => ({ error: (e as Error).message })),
    exited.then(([code]) => ({ error: `its thread exited with code ${code}` })),
  ]);
  if (answer.error !== undefined) {
    await worker.terminate();
    throw new Error(answer.error);
  }
  const calls = new Map<number, { resolve(s: SettledBatch): void; reject(e: Error): void }>();
  let nextId = 0;
  const fail = (err: Error) => {
    for (const call of calls.values()) call.reject(err);
    calls.clear();
  };
  worker.on('message', (m: Answer) => {
    const call = calls.get(m.id!);
    calls.delete(m.id!);
    if (m.error !== undefined) call?.reject(new Error(m.error));
    else call?.resolve(m.settled!);
  });
  // A thread that dies later closes its socket too: queries and batches in flight fail and say so.
  worker.on('error', fail);
  void exited.then(([code]) => fail(new Error(`the embedded database's thread exited with code ${code}`)));
  const database = wrapPostgres(socketClient(record.socket, CONNECTIONS), 'pglite', dataDir);
  const call = (message: ThreadCall) => worker.postMessage(message);
  return {
    ...database,
    storeAndSettle: (config, inputs) =>
      new Promise<SettledBatch>((resolve, reject) => {
        const id = nextId++;
        calls.set(id, { resolve, reject });
        call({ id, config, inputs });
      }),
    async close() {
      await database.close();
      call({ close: true });
      await exited;
      await release();
    },
  };
}
