import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractContent, type ExtractInput, type Extracted } from '../extract/index.js';

/**
 * Extraction (Readability over linkedom, pdf.js) is the crawler's heaviest CPU work per new page.
 * It runs here on worker threads, so another core parses while the main thread fetches and writes.
 * One worker per core beyond the main thread's (at least one, at most four). Idle workers are
 * unref'd: the pool never keeps a process alive, and nobody has to close it. Where no worker can
 * start, extraction runs on the calling thread as before.
 */
const SIZE = Math.max(1, Math.min(4, os.availableParallelism() - 1));

type Job = { input: ExtractInput; resolve(e: Extracted): void; reject(e: Error): void };
type Slot = { worker: Worker; ready: boolean; pending: Map<number, Job> };

let slots: Slot[] | null = null;
let disabled = false;
let nextId = 0;

/** The sources run as TypeScript through tsx; a worker does not inherit its loader, so its entry registers it. */
function workerEntry(): URL {
  // tsx's ESM api (its CommonJS build cannot register hooks in a worker); found the same way under vitest.
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const file = new URL('./extractWorker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(file)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

function spawn(entry: URL): Slot {
  const slot: Slot = { worker: new Worker(entry), ready: false, pending: new Map() };
  slot.worker.unref();
  slot.worker.on('message', (m: { ready?: true; id?: number; extracted?: Extracted; error?: string }) => {
    if (m.ready) slot.ready = true;
    if (m.id === undefined) return;
    const job = slot.pending.get(m.id);
    slot.pending.delete(m.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if (m.error !== undefined) job?.reject(new Error(m.error));
    else job?.resolve(m.extracted!);
  });
  const fail = (err: Error) => {
    const jobs = [...slot.pending.values()];
    slot.pending.clear();
    const i = slots?.indexOf(slot) ?? -1;
    if (i < 0) return;
    if (!slot.ready) {
      // It never started (no loader, no threads): stop trying, extract the waiting bodies here.
      disabled = true;
      for (const s of slots!) if (s !== slot) void s.worker.terminate();
      slots = null;
      for (const job of jobs) extractContent({ ...job.input, body: new Uint8Array(job.input.body) }).then(job.resolve, job.reject);
      return;
    }
    // A worker that dies mid-crawl takes its jobs with it (archived unextracted); the slot is replaced.
    for (const job of jobs) job.reject(err);
    slots![i] = spawn(entry);
  };
  slot.worker.on('error', fail);
  slot.worker.on('exit', (code) => code !== 0 && fail(new Error(`extraction worker exited with code ${code}`)));
  return slot;
}

function pool(): Slot[] | null {
  if (disabled) return null;
  try {
    if (!slots) {
      const entry = workerEntry();
      slots = Array.from({ length: SIZE }, () => spawn(entry));
    }
  } catch {
    disabled = true;
  }
  return slots;
}

/** extractContent on a pool thread (the least busy), or on this one when there is no pool. */
export function extractInPool(input: ExtractInput): Promise<Extracted> {
  const all = pool();
  if (!all) return extractContent({ ...input, body: new Uint8Array(input.body) });
  const slot = all.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  // A private copy, transferred: the caller's bytes stay usable (and unshared with pdf.js).
  const body = new Uint8Array(input.body);
  return new Promise<Extracted>((resolve, reject) => {
    slot.pending.set(id, { input, resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, body, contentType: input.contentType, url: input.url }, [body.buffer]);
  });
}
