/** A worker thread of the extraction pool (extractPool.ts): extractContent on bodies it is sent. */
import { parentPort } from 'node:worker_threads';
import { extractContent } from '../extract/index.js';

type Job = { id: number; body: Uint8Array; contentType: string | null; url: string };

parentPort!.on('message', async (job: Job) => {
  try {
    const extracted = await extractContent({ body: job.body, contentType: job.contentType, url: job.url });
    parentPort!.postMessage({ id: job.id, extracted });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort!.postMessage({ ready: true });
