import { passTimings } from './passTimings.js';
import { PolitenessQueue } from './politeness.js';

/** Thrown to a waiting request when the crawl is stopped before its turn came. */
export class GateClosedError extends Error {
  constructor() {
    super('crawl stopped before this request could start');
  }
}

type Pending = { resolve(release: () => void): void; reject(err: Error): void };

/**
 * The timed edge around PolitenessQueue: `acquire(host)` resolves when a request to that host may
 * start, with a release function to call when the request (every byte of it) is over.
 */
export function createHostGate(options: { delayMs: number; concurrency: number; signal?: AbortSignal; now?: () => number }) {
  const now = options.now ?? (() => performance.now());
  const queue = new PolitenessQueue<Pending>(options);
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let fullSince: number | null = null;

  function pump(): void {
    const t = now();
    for (const w of queue.startable(t)) {
      let released = false;
      w.item.resolve(() => {
        if (released) return;
        released = true;
        const end = now();
        passTimings.gateHoldMs += end - t;
        if (fullSince !== null) passTimings.gateFullMs += end - fullSince;
        fullSince = null;
        queue.finish(w.host, end);
        pump();
      });
    }
    if (fullSince === null && queue.inFlightCount >= options.concurrency) fullSince = t;
    const wake = queue.nextWakeAt();
    if (wake === null || wake >= timerAt) return;
    clearTimeout(timer);
    timerAt = wake;
    timer = setTimeout(
      () => {
        timerAt = Infinity;
        pump();
      },
      Math.max(0, wake - now()),
    );
  }

  const waiting = new Set<{ host: string; pending: Pending }>();
  options.signal?.addEventListener('abort', () => {
    for (const c of waiting) if (queue.cancel(c.host, c.pending)) c.pending.reject(new GateClosedError());
    clearTimeout(timer);
  });

  return {
    /** Waits for a turn at `host`; `signal` gives up waiting for this one request (not once started). */
    acquire(host: string, priority = 0, signal?: AbortSignal): Promise<() => void> {
      if (options.signal?.aborted || signal?.aborted) return Promise.reject(new GateClosedError());
      return new Promise((resolve, reject) => {
        const entry = { host, pending: undefined as unknown as Pending };
        const giveUp = () => {
          if (queue.cancel(host, entry.pending)) {
            waiting.delete(entry);
            reject(new GateClosedError());
          }
        };
        const asked = now();
        entry.pending = {
          resolve: (release) => {
            passTimings.gateWaits++;
            passTimings.gateWaitMs += now() - asked;
            waiting.delete(entry);
            signal?.removeEventListener('abort', giveUp);
            resolve(release);
          },
          reject,
        };
        waiting.add(entry);
        signal?.addEventListener('abort', giveUp, { once: true });
        queue.enqueue(host, priority, entry.pending);
        pump();
      });
    },
    /** `host` is expected to make `requests` more requests: hosts with more work left get free slots first. */
    plan(host: string, requests: number): void {
      queue.plan(host, requests);
    },
    /** Requests started to `host` in this pass. */
    started(host: string): number {
      return queue.startedCount(host);
    },
    /** The time `host` still needs at the least in this pass (its planned requests, a delay apart): the biggest goes first. */
    workLeftMs(host: string): number {
      return queue.workLeft(host);
    },
    /** No request to `host` may start before `at` (a Retry-After or back-off), in this process. */
    holdUntil(host: string, at: number): void {
      queue.holdUntil(host, at);
    },
    /** The gap this host asks for (robots.txt Crawl-delay), when longer than the configured one. */
    setHostDelay(host: string, delayMs: number): void {
      queue.setHostDelay(host, delayMs);
    },
    now,
    get inFlight() {
      return queue.inFlightCount;
    },
  };
}

export type HostGate = ReturnType<typeof createHostGate>;
