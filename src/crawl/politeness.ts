/**
 * The politeness core: decides which waiting requests may start now and when the next one may.
 * Pure and clock-free (every call is told `now`), so its rules are tested with tables, not timers.
 *
 * Rules: at most one request in flight per host; the next request to a host starts no earlier than
 * `delayMs` (or the host's own longer delay, from its robots.txt Crawl-delay) after the previous one
 * ended, nor before the host's notBefore (Retry-After); at most
 * `concurrency` requests in flight overall; among hosts that may start, the host with the most work
 * left goes first (longest processing time first: a pass cannot end before its biggest host does,
 * so that host must never wait for a slot behind small ones, however important their pages), then
 * the most important waiting request (priority desc), then arrival order. Within a host, the most
 * important request goes first.
 */
export type Waiter<T> = { host: string; priority: number; seq: number; item: T };

type HostState<T> = { inFlight: boolean; nextAllowedAt: number; waiting: Waiter<T>[] };

export class PolitenessQueue<T> {
  private readonly hosts = new Map<string, HostState<T>>();
  private readonly hostDelays = new Map<string, number>();
  /** Requests each host is still expected to make (plan), counted down as they start. */
  private readonly planned = new Map<string, number>();
  /** Requests started per host in this pass, whatever asked (pages, redirects, a render's own requests). */
  private readonly starts = new Map<string, number>();
  private inFlight = 0;
  private seq = 0;

  constructor(private readonly options: { delayMs: number; concurrency: number }) {}

  private state(host: string): HostState<T> {
    let s = this.hosts.get(host);
    if (!s) this.hosts.set(host, (s = { inFlight: false, nextAllowedAt: -Infinity, waiting: [] }));
    return s;
  }

  /** Queues a request for a host. Within a host, higher priority first, then first come first served. */
  enqueue(host: string, priority: number, item: T): void {
    const waiting = this.state(host).waiting;
    const w = { host, priority, seq: this.seq++, item };
    let i = waiting.length;
    while (i > 0 && waiting[i - 1].priority < priority) i--;
    waiting.splice(i, 0, w);
  }

  /** A host is expected to make `requests` more requests in this pass: its share of the work. */
  plan(host: string, requests: number): void {
    if (requests > 0) this.planned.set(host, requests);
    else this.planned.delete(host);
  }

  /** Time the host still needs at the least: its remaining requests, each a delay apart. */
  workLeft(host: string, s: HostState<T> | undefined = this.hosts.get(host)): number {
    return Math.max(this.planned.get(host) ?? 0, s?.waiting.length ?? 0) * this.delayOf(host);
  }

  /** Removes a queued request that is no longer wanted (its caller gave up). */
  cancel(host: string, item: T): boolean {
    const s = this.hosts.get(host);
    const i = s ? s.waiting.findIndex((w) => w.item === item) : -1;
    if (i < 0) return false;
    s!.waiting.splice(i, 1);
    this.forget(host);
    return true;
  }

  /** A host may not be asked before this time (Retry-After, back-off), whatever the delay says. */
  holdUntil(host: string, at: number): void {
    const s = this.state(host);
    s.nextAllowedAt = Math.max(s.nextAllowedAt, at);
  }

  /** A host that asks for a longer gap than ours (Crawl-delay) gets it, from its last request on. */
  setHostDelay(host: string, delayMs: number): void {
    const extra = delayMs - this.delayOf(host);
    if (extra <= 0) return;
    this.hostDelays.set(host, delayMs);
    const s = this.hosts.get(host);
    if (s && s.nextAllowedAt > -Infinity) s.nextAllowedAt += extra;
  }

  private delayOf(host: string): number {
    return this.hostDelays.get(host) ?? this.options.delayMs;
  }

  /** The requests that may start now, marked in flight; the caller must `finish` each one. */
  startable(now: number): Waiter<T>[] {
    const free = this.options.concurrency - this.inFlight;
    if (free <= 0) return [];
    const heads: { w: Waiter<T>; work: number }[] = [];
    for (const [host, s] of this.hosts) {
      if (!s.inFlight && s.waiting.length > 0 && s.nextAllowedAt <= now) heads.push({ w: s.waiting[0], work: this.workLeft(host, s) });
    }
    heads.sort((a, b) => b.work - a.work || b.w.priority - a.w.priority || a.w.seq - b.w.seq);
    const started = heads.slice(0, free).map((h) => h.w);
    for (const w of started) {
      const s = this.state(w.host);
      s.waiting.shift();
      s.inFlight = true;
      this.inFlight++;
      const left = this.planned.get(w.host);
      if (left !== undefined) this.plan(w.host, left - 1);
      this.starts.set(w.host, (this.starts.get(w.host) ?? 0) + 1);
    }
    return started;
  }

  /** The request to `host` ended at `now`; the next one waits the delay (or longer, if held). */
  finish(host: string, now: number): void {
    const s = this.state(host);
    if (!s.inFlight) throw new Error(`politeness: no request in flight for ${host}`);
    s.inFlight = false;
    this.inFlight--;
    s.nextAllowedAt = Math.max(s.nextAllowedAt, now + this.delayOf(host));
    this.forget(host);
  }

  /** When `startable` may next return something, if nothing may start now; null when nothing waits. */
  nextWakeAt(): number | null {
    if (this.inFlight >= this.options.concurrency) return null; // a finish will wake us
    let earliest: number | null = null;
    for (const s of this.hosts.values()) {
      if (s.inFlight || s.waiting.length === 0) continue;
      if (earliest === null || s.nextAllowedAt < earliest) earliest = s.nextAllowedAt;
    }
    return earliest;
  }

  /** Requests started to `host` in this pass. */
  startedCount(host: string): number {
    return this.starts.get(host) ?? 0;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  get waitingCount(): number {
    let n = 0;
    for (const s of this.hosts.values()) n += s.waiting.length;
    return n;
  }

  /** Hosts with nothing queued and a gap already elapsed carry no information; keep the map small. */
  private forget(host: string): void {
    const s = this.hosts.get(host);
    if (s && !s.inFlight && s.waiting.length === 0 && s.nextAllowedAt === -Infinity) this.hosts.delete(host);
  }
}

/**
 * The requests a host still needs, from how many its pages have taken so far: a page is one request,
 * or three or more when it is rendered (the document, its scripts, its data) or redirected. Planned at
 * one a page, a script-built host's plan ran out a third of the way through, and its renders and
 * extractions went last for the rest of the pass, when they were its tail (docs/benchmarks.md, "fifth
 * session"). `overhead`: requests made for the host itself (robots.txt, the probe). Pure.
 */
export function requestsLeft(pagesLeft: number, pagesDone: number, started: number, overhead: number): number {
  const perPage = pagesDone > 0 ? Math.max(1, (started - overhead) / pagesDone) : 1;
  return Math.ceil(pagesLeft * perPage);
}
