/**
 * A worker thread of the extraction pool (extractPool.ts): extractContent on each body it is sent,
 * with the text's keys (hash, fingerprint), one after another and answered in the order sent (the
 * pool may send the next before this one ends).
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { textKeys } from '../extract/fingerprint.js';
import { extractContent } from '../extract/index.js';
import { inflate, type PoolInput } from './poolInput.js';

const EXTRACTION_NICE = 10;

let line: Promise<void> = Promise.resolve();

/** Each answer says how long it took on this thread (busyMs, wall time), for the pool's account of its time. */
async function run(job: PoolInput) {
  const started = performance.now();
  try {
    const extracted = await extractContent({ ...job, body: job.gzip ? inflate(job) : job.body });
    const keys = textKeys(extracted.text);
    parentPort!.postMessage({ extracted: { ...extracted, keys }, busyMs: performance.now() - started });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err), busyMs: performance.now() - started });
  }
}

parentPort!.on('message', (job: PoolInput) => {
  line = line.then(() => run(job));
});
// Behind the crawl's own thread for a busy core, as the browser is (BROWSER_NICE): extraction waits
// well, a late request start does not. On Linux this sets this thread's niceness only; elsewhere it
// would set the whole process's, so it is not done there.
if (process.platform === 'linux') setPriority(EXTRACTION_NICE);
parentPort!.postMessage({ ready: true });
