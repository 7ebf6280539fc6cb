import type { Db } from '../db/open.js';
import type { CaptureRow } from './store.js';
import { storeCapture, storeCaptures, type AfterStore, type CaptureInput } from './storeCaptures.js';

export type CaptureWriterOptions = {
  /** A batch is written as soon as it holds this many attempts... */
  maxBatch: number;
  /** ...or this long after its first attempt arrived. */
  maxWaitMs: number;
  /** Runs inside each batch's transaction, after its captures are stored. */
  afterStore?: AfterStore;
};

export type CaptureWriter = {
  /** Resolves with the stored row once the batch holding this attempt is committed. */
  write(input: CaptureInput): Promise<CaptureRow>;
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
 * The promise on kill -9: attempts still waiting here (up to maxWaitMs of them) are lost, never
 * half-stored (a batch is one transaction), and a source's next check moves only in the transaction
 * that stores its capture, so every attempt lost this way is due again and asked again next pass.
 */
export function createCaptureWriter(db: Db, options: CaptureWriterOptions): CaptureWriter {
  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = waiting;
    waiting = [];
    if (batch.length > 0) chain = chain.then(() => writeBatch(db, batch, options.afterStore));
    return chain;
  };

  return {
    write(input) {
      const stored = new Promise<CaptureRow>((resolve, reject) => waiting.push({ input, resolve, reject }));
      if (waiting.length >= options.maxBatch) void flush();
      else if (!timer) timer = setTimeout(() => void flush(), options.maxWaitMs);
      return stored;
    },
    close: flush,
  };
}

async function writeBatch(db: Db, batch: Waiting[], afterStore?: AfterStore): Promise<void> {
  try {
    const rows = await storeCaptures(
      db,
      batch.map((w) => w.input),
      afterStore,
    );
    batch.forEach((w, i) => w.resolve(rows[i]));
  } catch {
    for (const w of batch) await storeCapture(db, w.input, afterStore).then(w.resolve, w.reject);
  }
}
