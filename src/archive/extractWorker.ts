/**
 * A worker thread of the extraction pool (extractPool.ts): extractContent on each body it is sent,
 * one after another and answered in the order sent (the pool may send the next before this one ends).
 */
import { parentPort } from 'node:worker_threads';
import { extractContent } from '../extract/index.js';

type Job = { body: Uint8Array; contentType: string | null; url: string };

let line: Promise<void> = Promise.resolve();

async function run(job: Job) {
  try {
    parentPort!.postMessage({ extracted: await extractContent(job) });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}

parentPort!.on('message', (job: Job) => {
  line = line.then(() => run(job));
});
parentPort!.postMessage({ ready: true });
