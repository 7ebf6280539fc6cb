import type { CaptureRow } from './store.js';
import type { CaptureInput } from './storeCaptures.js';

/** Stores a batch in one transaction, rows in input order: storeCaptures, or what a pass wraps around it. */
export type StoreBatch = (inputs: CaptureInput[]) => Promise<CaptureRow[]>;

export type CaptureWriterOptions = {
  /** A batch is written as soon as it holds this many attempts... */
  maxBatch: number;
  /** ...or this long after its first attempt arrived. */
  maxWaitMs: number;
  /** room() waits while this many attempts are waiting or being written (default maxBatch). */
  maxPending?: number;
};

export type CaptureWriter = {
  /** Resolves with the stored row once the batch holding this attempt is committed. */
  write(input: CaptureInput): Promise<CaptureRow>;
  /**
   * Resolves once fewer than maxPending attempts are waiting or being written: the crawl hands an
   * attempt over and goes on to its next request without waiting for the commit, but no further
   * ahead of the database than this.
   */
  room(): Promise<void>;
  /** Writes whatever is waiting, and waits for every batch under way. */
  close(): Promise<void>;
};

/** An attempt waiting for its batch; `at` is when it arrived (performance.now()). */
type Waiting = { input: CaptureInput; at: number; resolve(row: CaptureRow): void; reject(error: unknown): void };

/**
 * Write-behind for a crawl pass, as group commit: attempts that finish within a few milliseconds of
 * each other (a pass has hundreds of hosts answering at once) are archived in one transaction. On
 * the embedded database a statement's fixed cost dwarfs its rows, so this is most of the archive's
 * throughput. One batch is written at a time; what arrives meanwhile waits and goes in the next
 * batch, whole (up to maxBatch), as soon as the one before commits. So a database that falls behind
 * gets fewer, larger batches and catches up, instead of a queue of small ones each paying the fixed
 * cost (which stalled a busy pass for seconds). A batch that fails is retried one attempt at a time,
 * so one bad row fails only its own attempt.
 *
 * The promise on kill -9: attempts still waiting here (up to maxPending of them) are lost, never
 * half-stored (a batch is one transaction), and a source's next check moves only in the transaction
 * that stores its capture, so every attempt lost this way is due again and asked again next pass.
 */
export function createCaptureWriter(store: StoreBatch, options: CaptureWriterOptions): CaptureWriter {
  const maxPending = options.maxPending ?? options.maxBatch;
  const waiting: Waiting[] = [];
  let pending = 0;
  let roomMade: (() => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  let closing = false;

  const written = (n: number) => {
    pending -= n;
    if (pending >= maxPending) return;
    const waiters = roomMade;
    roomMade = [];
    for (const go of waiters) go();
  };

  /** Starts the next batch if one is due and none is being written; otherwise sets the timer for when it will be. */
  const next = (): void => {
    if (writing || waiting.length === 0) return;
    // A batch goes when full, or maxWaitMs after its oldest attempt arrived.
    const dueIn = waiting[0].at + options.maxWaitMs - performance.now();
    if (!closing && waiting.length < options.maxBatch && dueIn > 0) {
      timer ??= setTimeout(() => ((timer = null), next()), dueIn);
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = waiting.splice(0, options.maxBatch);
    writing = writeBatch(store, batch).finally(() => {
      writing = null;
      written(batch.length);
      next();
    });
  };

  return {
    write(input) {
      const at = performance.now();
      const stored = new Promise<CaptureRow>((resolve, reject) => waiting.push({ input, at, resolve, reject }));
      pending++;
      next();
      return stored;
    },
    room: () => (pending < maxPending ? Promise.resolve() : new Promise<void>((go) => roomMade.push(go))),
    async close() {
      closing = true;
      next();
      while (writing) {
        await writing;
        next();
      }
    },
  };
}

async function writeBatch(store: StoreBatch, batch: Waiting[]): Promise<void> {
  try {
    const rows = await store(batch.map((w) => w.input));
    batch.forEach((w, i) => w.resolve(rows[i]));
  } catch {
    for (const w of batch) await store([w.input]).then(([row]) => w.resolve(row), w.reject);
  }
}
