/** A worker thread of the extraction pool (extractPool.ts): extractContent on each body it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { extractContent } from '../extract/index.js';

type Job = { body: Uint8Array; contentType: string | null; url: string };

parentPort!.on('message', async (job: Job) => {
  try {
    parentPort!.postMessage({ extracted: await extractContent(job) });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort!.postMessage({ ready: true });
