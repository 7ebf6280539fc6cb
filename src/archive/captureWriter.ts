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

type Waiting = { input: CaptureInput; resolve(row: CaptureRow): void; reject(error: unknown): void };

/**
 * Write-behind for a crawl pass: attempts that finish within a few milliseconds of each other (a
 * pass has hundreds of hosts answering at once) are archived in one transaction. On the embedded
 * database a statement's fixed cost dwarfs its rows, so this is most of the archive's throughput.
 * A batch that fails is retried one attempt at a time, so one bad row fails only its own attempt.
 * Batches are written one after another, in order.
 *
 * The promise on kill -9: attempts still waiting here (up to maxPending of them) are lost, never
 * half-stored (a batch is one transaction), and a source's next check moves only in the transaction
 * that stores its capture, so every attempt lost this way is due again and asked again next pass.
 */
export function createCaptureWriter(store: StoreBatch, options: CaptureWriterOptions): CaptureWriter {
  const maxPending = options.maxPending ?? options.maxBatch;
  let waiting: Waiting[] = [];
  let pending = 0;
  let roomMade: (() => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const written = (n: number) => {
    pending -= n;
    if (pending >= maxPending) return;
    const waiters = roomMade;
    roomMade = [];
    for (const go of waiters) go();
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = waiting;
    waiting = [];
    if (batch.length > 0) chain = chain.then(() => writeBatch(store, batch)).finally(() => written(batch.length));
    return chain;
  };

  return {
    write(input) {
      const stored = new Promise<CaptureRow>((resolve, reject) => waiting.push({ input, resolve, reject }));
      pending++;
      if (waiting.length >= options.maxBatch) void flush();
      else if (!timer) timer = setTimeout(() => void flush(), options.maxWaitMs);
      return stored;
    },
    room: () => (pending < maxPending ? Promise.resolve() : new Promise<void>((go) => roomMade.push(go))),
    close: flush,
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
