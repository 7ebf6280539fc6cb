import type { RequestRecord } from '../src/simweb/index.js';

/**
 * The politeness bound: what no polite crawler can beat. For the busiest host, the sum of its
 * requests' latencies (as the server saw them) plus one delay between each two.
 */
export function politenessBound(log: RequestRecord[], delayMs: number): { ms: number; host: string; requests: number } {
  const perHost = new Map<string, { busy: number; n: number }>();
  for (const r of log) {
    const s = perHost.get(r.host) ?? { busy: 0, n: 0 };
    s.busy += (r.endMs ?? r.startMs) - r.startMs;
    s.n++;
    perHost.set(r.host, s);
  }
  let worst = { ms: 0, host: '', requests: 0 };
  for (const [host, s] of perHost) {
    const ms = s.busy + Math.max(0, s.n - 1) * delayMs;
    if (ms > worst.ms) worst = { ms, host, requests: s.n };
  }
  return worst;
}

/** How much later than the delay allowed each host's next request started, on average and at worst. */
export function lagBeyondDelay(log: RequestRecord[], delayMs: number): { mean: number; max: number } {
  const last = new Map<string, number>();
  const lags: number[] = [];
  for (const r of log) {
    const prevEnd = last.get(r.host);
    if (prevEnd !== undefined) lags.push(r.startMs - prevEnd - delayMs);
    last.set(r.host, r.endMs ?? r.startMs);
  }
  return { mean: lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length), max: Math.max(0, ...lags) };
}

export type HostSpan = { host: string; requests: number; firstStartMs: number; lastEndMs: number; ownBoundMs: number; meanLagMs: number };

/**
 * Each host's span in a pass (its first request's start to its last one's end, from `t0`) and its own
 * bound; the hosts that ended last say what held the pass: one that started late, or one that lagged.
 */
export function lastHosts(log: RequestRecord[], delayMs: number, t0: number, n: number): HostSpan[] {
  const spans = new Map<string, HostSpan & { busy: number; lag: number }>();
  for (const r of log) {
    const end = (r.endMs ?? r.startMs) - t0;
    const s = spans.get(r.host) ?? {
      host: r.host,
      requests: 0,
      firstStartMs: r.startMs - t0,
      lastEndMs: end,
      ownBoundMs: 0,
      meanLagMs: 0,
      busy: 0,
      lag: 0,
    };
    if (s.requests > 0) s.lag += r.startMs - t0 - s.lastEndMs - delayMs;
    s.requests++;
    s.busy += (r.endMs ?? r.startMs) - r.startMs;
    s.firstStartMs = Math.min(s.firstStartMs, r.startMs - t0);
    s.lastEndMs = Math.max(s.lastEndMs, end);
    spans.set(r.host, s);
  }
  return [...spans.values()]
    .map(({ busy, lag, ...s }) => ({
      ...s,
      ownBoundMs: busy + Math.max(0, s.requests - 1) * delayMs,
      meanLagMs: lag / Math.max(1, s.requests - 1),
    }))
    .sort((a, b) => b.lastEndMs - a.lastEndMs)
    .slice(0, n);
}
