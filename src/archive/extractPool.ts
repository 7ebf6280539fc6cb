import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractContent, type ExtractInput, type Extracted } from '../extract/index.js';

/**
 * Extraction (Readability over linkedom, pdf.js) is the crawler's heaviest CPU work per new page.
 * It runs here on worker threads, so another core parses while the main thread fetches and writes.
 * One worker per core beyond the main thread's (at least one, at most four), one job at a time each,
 * so that a job's clock starts when a worker takes it. A job that outlives the timeout settles as
 * extraction 'timeout' and its worker is terminated and replaced: a hostile page cannot hold a
 * thread, nor the capture waiting on it. Idle workers are unref'd: the pool never keeps a process
 * alive, and nobody has to close it. Where no worker can start, extraction runs on the calling
 * thread as before (without a timeout: synchronous work cannot be interrupted).
 */
const SIZE = Math.max(1, Math.min(4, os.availableParallelism() - 1));
/** Generous: a large real page takes a few seconds on a loaded machine. */
const TIMEOUT_MS = 30_000;

type Job = { input: ExtractInput; priority: number; resolve(e: Extracted): void; reject(e: Error): void };
type Slot = { worker: Worker; ready: boolean; job: Job | null; timer: NodeJS.Timeout | null };

/** What a job that ran out of time settles with: no text, and a signal saying why. */
export function timedOut(): Extracted {
  const signals = {
    errorPage: false,
    parked: false,
    botChallenge: false,
    paywall: false,
    scriptShell: false,
    wordCount: 0,
    extraction: 'timeout' as const,
  };
  return { title: '', byline: null, published: null, text: '', paragraphs: [], signals };
}

/**
 * The worker's script, next to this module: extractWorker.js when compiled (run as is), or
 * extractWorker.ts when the sources run through tsx, whose loader a worker does not inherit: its
 * entry then registers tsx's ESM api (its CommonJS build cannot register hooks in a worker), found
 * the same way under vitest.
 */
function workerEntry(): URL {
  if (import.meta.url.endsWith('.js')) return new URL('./extractWorker.js', import.meta.url);
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const file = new URL('./extractWorker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(file)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** entry: the worker script (tests pass their own); it answers { ready } once, then { extracted } or { error } per body. */
export function createExtractPool(options: { size?: number; timeoutMs?: number; entry?: () => URL } = {}) {
  const size = options.size ?? SIZE;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const queue: Job[] = [];
  let slots: Slot[] | null = null;
  let disabled = false;

  const inline = (job: Job) => extractContent({ ...job.input, body: new Uint8Array(job.input.body) }).then(job.resolve, job.reject);

  /** Settles a slot's job, if any, and frees the slot. */
  const settle = (slot: Slot, outcome: (job: Job) => void) => {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    [slot.job, slot.timer] = [null, null];
    if (job) outcome(job);
  };

  const replace = (slot: Slot) => {
    const i = slots?.indexOf(slot) ?? -1;
    if (i >= 0) slots![i] = spawn();
  };

  /** Hands queued jobs to idle workers; a worker keeps the process alive only while there is work. */
  const pump = () => {
    for (const slot of slots ?? []) {
      if (queue.length === 0 || !slot.ready || slot.job) continue;
      const job = queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => {
        settle(slot, (j) => j.resolve(timedOut()));
        void slot.worker.terminate(); // its exit is then no failure: the slot is already replaced
        replace(slot);
        pump();
      }, timeoutMs);
      // A private copy, transferred: the caller's bytes stay usable (and unshared with pdf.js).
      const body = new Uint8Array(job.input.body);
      slot.worker.postMessage({ body, contentType: job.input.contentType, url: job.input.url }, [body.buffer]);
    }
    for (const slot of slots ?? []) {
      if (slot.job || queue.length > 0) slot.worker.ref();
      else slot.worker.unref();
    }
  };

  let entry: URL | null = null;
  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(entry!), ready: false, job: null, timer: null };
    slot.worker.unref();
    slot.worker.on('message', (m: { ready?: true; extracted?: Extracted; error?: string }) => {
      if (m.ready) slot.ready = true;
      else settle(slot, (job) => (m.error !== undefined ? job.reject(new Error(m.error)) : job.resolve(m.extracted!)));
      pump();
    });
    const fail = (err: Error) => {
      if (!slots?.includes(slot)) return; // terminated after a timeout, or the pool gave up
      if (!slot.ready) {
        // It never started (no loader, no threads): stop trying, extract the waiting bodies here.
        disabled = true;
        const others = slots.filter((s) => s !== slot);
        slots = null;
        for (const s of others) {
          settle(s, (job) => void inline(job));
          void s.worker.terminate();
        }
        for (const job of queue.splice(0)) void inline(job);
        return;
      }
      // A worker that dies mid-crawl takes its job with it (archived unextracted); the slot is replaced.
      settle(slot, (job) => job.reject(err));
      replace(slot);
      pump();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => code !== 0 && fail(new Error(`extraction worker exited with code ${code}`)));
    return slot;
  }

  const start = (): boolean => {
    if (disabled) return false;
    try {
      entry ??= (options.entry ?? workerEntry)();
      slots ??= Array.from({ length: size }, spawn);
    } catch {
      disabled = true;
    }
    return !disabled;
  };

  /**
   * extractContent on a pool thread, or on this one when there is no pool. Waiting jobs go by
   * priority, then first come: the crawl gives its biggest host's pages the most (that host's next
   * request waits for them), so they do not queue behind a burst of small hosts' pages.
   */
  return function extract(input: ExtractInput, priority = 0): Promise<Extracted> {
    return new Promise<Extracted>((resolve, reject) => {
      const job = { input, priority, resolve, reject };
      if (!start()) return void inline(job);
      let i = queue.length;
      while (i > 0 && queue[i - 1].priority < priority) i--;
      queue.splice(i, 0, job);
      pump();
    });
  };
}

/** The process's pool, started on first use. */
export const extractInPool = createExtractPool();
