import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { extractContent, type Extracted } from '../extract/index.js';
import { workerEntry } from '../workerEntry.js';
import { inflate, type PoolInput } from './poolInput.js';

/**
 * Extraction (Readability over linkedom, pdf.js) is the crawler's heaviest CPU work per new page.
 * It runs here on worker threads, so another core parses while the main thread fetches and writes.
 * One worker per core beyond the main thread's (at least one, at most four). Each worker holds up to
 * DEPTH jobs and runs them one after another: when it answers one it starts the next at once, instead
 * of idling until a busy main thread has read the answer and sent more. A job's clock starts when it
 * heads its worker's line. A job that outlives the timeout settles as extraction 'timeout', its
 * worker is terminated and replaced, and the jobs behind it go back to the queue: a hostile page
 * cannot hold a thread, nor the captures waiting on it. Workers are unref'd and the pool holds the
 * process only while a job is unsettled: nobody has to close it, and a command whose last work is an
 * extraction does not end before its answer (a worker's own handle lets go while the worker starts,
 * and when it runs out of memory). Where no worker can start, extraction runs on the calling thread
 * as before (without a timeout: synchronous work cannot be interrupted).
 */
const SIZE = Math.max(1, Math.min(4, os.availableParallelism() - 1));
/** Generous: a large real page takes a few seconds on a loaded machine. */
const TIMEOUT_MS = 30_000;
/** A page's parse is garbage as soon as its text is out: a small young generation does (V8 would allow 48 MiB per thread). */
const YOUNG_GENERATION_MB = 8;
/**
 * A worker's heap, at most. Without a limit V8 let a worker's heap grow to 432 MiB at the end of a
 * busy pass, reading pages of 90 KiB at most (garbage: its collector behind on saturated cores), a
 * third of the crawl's memory; held to this, it collects sooner. The largest document extraction
 * reads as a DOM (4 MiB of HTML, html.ts) needs under 256 MiB (read at 256, out of memory at 160). A
 * job that needs more ends its worker and settles as extraction 'out-of-memory': no text, which
 * says nothing of the page.
 */
const OLD_GENERATION_MB = 384;
/**
 * Enough that the worker does not run dry while the main thread is in a long task (a batch's
 * transaction, a burst of answers): with two it did, and sat idle a third of a busy crawl with
 * thousands of pages waiting (bench:crawl 78.7–88.4 s against 62.8–68.3 s with eight, the whole
 * timeline at 200 ms 207.8 s against 191.8 s; docs/benchmarks.md, eighth session). Sixteen gained
 * nothing more. A job sent ahead delays a more urgent one: by seven jobs at most, tens of ms.
 */
const DEPTH = 8;

type Job = { input: PoolInput; priority: number; resolve(e: Extracted): void; reject(e: Error): void };
/**
 * What the pool did, for the benchmarks' account of a pass (read and reset around it): jobs answered,
 * the wall time each took on its worker (time the thread waited for a busy core included), and the
 * longest the queue grew.
 */
export type ExtractPoolStats = { jobs: number; busyMs: number; queuedPeak: number };
/** jobs: sent to the worker, in the order it answers them; the first is running. */
type Slot = { worker: Worker; ready: boolean; jobs: Job[]; timer: NodeJS.Timeout | null };

/** What a job the pool had to give up settles with (out of time, out of memory): no text, and a signal saying why. */
export function shortfall(extraction: 'timeout' | 'out-of-memory'): Extracted {
  const signals = {
    errorPage: false,
    parked: false,
    botChallenge: false,
    paywall: false,
    scriptShell: false,
    wordCount: 0,
    extraction,
  };
  return { title: '', byline: null, published: null, text: '', paragraphs: [], signals };
}

/** entry: the worker script (tests pass their own); it answers { ready } once, then { extracted } or { error } per body, in order. */
export function createExtractPool(
  options: { size?: number; depth?: number; timeoutMs?: number; oldGenerationMb?: number; entry?: () => URL } = {},
) {
  const size = options.size ?? SIZE;
  const resourceLimits = {
    maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    maxOldGenerationSizeMb: options.oldGenerationMb ?? OLD_GENERATION_MB,
  };
  const depth = options.depth ?? DEPTH;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const queue: Job[] = [];
  const stats: ExtractPoolStats = { jobs: 0, busyMs: 0, queuedPeak: 0 };
  let slots: Slot[] | null = null;
  let disabled = false;

  const inline = (job: Job) => extractContent({ ...job.input, body: inflate(job.input) }).then(job.resolve, job.reject);

  /** Waiting jobs go by priority, then first come. */
  const enqueue = (job: Job) => {
    let i = queue.length;
    while (i > 0 && queue[i - 1].priority < job.priority) i--;
    queue.splice(i, 0, job);
  };

  /** Starts the clock of the job now heading the slot's line, if any. */
  const clock = (slot: Slot) => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = slot.jobs.length === 0 ? null : setTimeout(() => timeout(slot), timeoutMs);
  };

  /** Settles the running job and starts the next one's clock. */
  const settleHead = (slot: Slot, outcome: (job: Job) => void) => {
    const job = slot.jobs.shift();
    clock(slot);
    if (job) outcome(job);
  };

  /** Settles the running job, puts the ones behind it back in the queue and gives the slot a new worker. */
  const abandon = (slot: Slot, outcome: (job: Job) => void) => {
    if (slot.timer) clearTimeout(slot.timer);
    const [head, ...behind] = slot.jobs;
    [slot.jobs, slot.timer] = [[], null];
    for (const job of behind) enqueue(job);
    const i = slots?.indexOf(slot) ?? -1;
    if (i >= 0) slots![i] = spawn();
    if (head) outcome(head);
    pump();
  };

  const timeout = (slot: Slot) => {
    void slot.worker.terminate(); // its exit is then no failure: the slot is already replaced
    abandon(slot, (job) => job.resolve(shortfall('timeout')));
  };

  /** Tops up ready workers from the queue. */
  const pump = () => {
    for (const slot of slots ?? []) {
      while (queue.length > 0 && slot.ready && slot.jobs.length < depth) {
        const job = queue.shift()!;
        slot.jobs.push(job);
        if (slot.jobs.length === 1) clock(slot);
        // A private copy, transferred: the caller's bytes stay usable (and unshared with pdf.js).
        const { body: bytes, contentType, url, gzip } = job.input;
        const body = new Uint8Array(bytes);
        slot.worker.postMessage({ body, contentType, url, gzip }, [body.buffer]);
      }
    }
  };

  let entry: URL | null = null;
  function spawn(): Slot {
    const worker = new Worker(entry!, { resourceLimits });
    const slot: Slot = { worker, ready: false, jobs: [], timer: null };
    slot.worker.on('message', (m: { ready?: true; extracted?: Extracted; error?: string; busyMs?: number }) => {
      if (m.ready) slot.ready = true;
      else {
        stats.jobs++;
        stats.busyMs += m.busyMs ?? 0;
        settleHead(slot, (job) => (m.error !== undefined ? job.reject(new Error(m.error)) : job.resolve(m.extracted!)));
      }
      pump();
    });
    const fail = (err: Error) => {
      if (!slots?.includes(slot)) return; // terminated after a timeout, or the pool gave up
      if (!slot.ready) {
        // It never started (no loader, no threads): stop trying, extract the waiting bodies here.
        disabled = true;
        const all = slots;
        slots = null;
        for (const s of all) {
          if (s.timer) clearTimeout(s.timer);
          for (const job of s.jobs.splice(0)) void inline(job);
          if (s !== slot) void s.worker.terminate();
        }
        for (const job of queue.splice(0)) void inline(job);
        return;
      }
      if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')
        return abandon(slot, (job) => job.resolve(shortfall('out-of-memory')));
      // A worker that dies otherwise mid-crawl takes its running job with it (archived unextracted).
      abandon(slot, (job) => job.reject(err));
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => code !== 0 && fail(new Error(`extraction worker exited with code ${code}`)));
    // After the listeners: a 'message' listener refs the worker again.
    slot.worker.unref();
    return slot;
  }

  const start = (): boolean => {
    if (disabled) return false;
    try {
      entry ??= options.entry ? options.entry() : workerEntry(import.meta.url, 'extractWorker');
      slots ??= Array.from({ length: size }, spawn);
    } catch {
      disabled = true;
    }
    return !disabled;
  };

  /** Holds the process while jobs are unsettled (see above). */
  let unsettled = 0;
  let hold: NodeJS.Timeout | null = null;
  const settled = () => {
    unsettled--;
    if (unsettled === 0 && hold) {
      clearInterval(hold);
      hold = null;
    }
  };

  /**
   * extractContent on a pool thread, or on this one when there is no pool. Waiting jobs go by
   * priority, then first come: the crawl gives its biggest host's pages the most (that host's next
   * request waits for them), so they do not queue behind a burst of small hosts' pages.
   */
  function extract(input: PoolInput, priority = 0): Promise<Extracted> {
    unsettled++;
    hold ??= setInterval(() => {}, 60_000);
    return new Promise<Extracted>((resolve, reject) => {
      const job = { input, priority, resolve: (e: Extracted) => (settled(), resolve(e)), reject: (e: Error) => (settled(), reject(e)) };
      if (!start()) return void inline(job);
      enqueue(job);
      stats.queuedPeak = Math.max(stats.queuedPeak, queue.length);
      pump();
    });
  }
  return Object.assign(extract, { stats });
}

/** The process's pool, started on first use. */
export const extractInPool = createExtractPool();
