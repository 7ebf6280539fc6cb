/** The request log of a simulated web: every request, waiters on counts, and per-host politeness. */
import type { HostPoliteness, RequestRecord } from './types.js';

type Waiter = { n: number; finished: boolean; resolve: (records: RequestRecord[]) => void };

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class RequestLog {
  readonly records: RequestRecord[] = [];
  private waiters: Waiter[] = [];

  start(record: Omit<RequestRecord, 'seq' | 'startMs' | 'endMs' | 'status' | 'outcome'>): RequestRecord {
    const full: RequestRecord = { ...record, seq: this.records.length, startMs: nowMs(), endMs: null, status: null, outcome: 'pending' };
    this.records.push(full);
    this.notify();
    return full;
  }

  /** Marks a request over; the first call wins (a socket close after a finished response changes nothing). */
  end(record: RequestRecord, outcome: RequestRecord['outcome'], status: number | null): void {
    if (record.endMs !== null) return;
    record.endMs = nowMs();
    record.outcome = outcome;
    record.status = status;
    this.notify();
  }

  wait(n: number, finished: boolean, timeoutMs?: number): Promise<RequestRecord[]> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        n,
        finished,
        resolve: (r) => {
          if (timer) clearTimeout(timer);
          resolve(r);
        },
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new Error(`simweb: waited ${timeoutMs} ms for ${n} ${finished ? 'finished' : 'started'} requests, saw ${this.count(finished)}`),
          );
        }, timeoutMs);
      }
      this.notify();
    });
  }

  private count(finished: boolean): number {
    return finished ? this.records.filter((r) => r.endMs !== null).length : this.records.length;
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (this.count(w.finished) < w.n) return true;
      w.resolve([...this.records]);
      return false;
    });
  }
}

/** Per-host request counts, peak concurrency and the tightest spacing between consecutive requests. */
export function politenessOf(records: readonly RequestRecord[], at = nowMs()): Record<string, HostPoliteness> {
  const byHost = new Map<string, RequestRecord[]>();
  for (const r of records) {
    const list = byHost.get(r.host);
    if (list) list.push(r);
    else byHost.set(r.host, [r]);
  }
  const out: Record<string, HostPoliteness> = {};
  for (const [host, list] of byHost) {
    const sorted = [...list].sort((a, b) => a.startMs - b.startMs);
    // Sweep over start (+1) and end (-1) events; at equal times ends go first so back-to-back is not overlap.
    const events = sorted
      .flatMap(
        (r) =>
          [
            [r.startMs, 1],
            [r.endMs ?? at, -1],
          ] as const,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let current = 0;
    let maxConcurrent = 0;
    for (const [, delta] of events) maxConcurrent = Math.max(maxConcurrent, (current += delta));
    let minGapMs: number | null = null;
    let minStartGapMs: number | null = null;
    let latestEnd = -Infinity;
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0) {
        const gap = Math.max(0, sorted[i].startMs - latestEnd);
        const startGap = sorted[i].startMs - sorted[i - 1].startMs;
        minGapMs = minGapMs === null ? gap : Math.min(minGapMs, gap);
        minStartGapMs = minStartGapMs === null ? startGap : Math.min(minStartGapMs, startGap);
      }
      latestEnd = Math.max(latestEnd, sorted[i].endMs ?? at);
    }
    out[host] = { requests: list.length, maxConcurrent, minGapMs, minStartGapMs };
  }
  return out;
}
