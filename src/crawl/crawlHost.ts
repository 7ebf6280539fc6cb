import { releaseHost, leaseHost, type DueSource, type HostRow } from './selectSources.js';
import type { PreviousSnapshots } from '../archive/store.js';
import { classifyCapture, countCapture } from './captureRecord.js';
import { checkSource, type Attempt } from './checkSource.js';
import type { CrawlContext, HostInfo } from './context.js';
import { GateClosedError } from './hostGate.js';
import { probeHost } from './hostRules.js';
import type { Outcome } from './outcomePolicy.js';
import { requestsLeft } from './politeness.js';

/** A Retry-After longer than this ends the host's pass; its sources stay due for the next one. */
const IN_PASS_WAIT_MAX_MS = 60_000;

/**
 * A host's sources in progress at once: one waiting at the gate, the others being extracted and
 * stored (a batch's transaction, then states and flags), which on a busy pass can outlast a delay
 * or two. The extraction pool serves the host with the most work left first (checkSource), so the
 * busiest host's lanes are back before its next turn.
 */
const LANES = 4;

/** Requests a host's pass makes for the host itself: its robots.txt and the soft-404 probe. */
const HOST_OVERHEAD = 2;

export type HostWork = { host: string; row: HostRow; sources: DueSource[]; previous: Map<number, PreviousSnapshots>; leaseMs: number };

/**
 * One host's share of a pass, under its lease: robots.txt (whose Crawl-delay the robots cache
 * applies), the soft-404 probe, then its sources in order. LANES lanes: while one source's request
 * waits its turn at the gate, the captures before it are stored and handed on, so database time
 * stays off the host's critical path (the gate still lets one request through at a time). A long
 * Retry-After stops them all; the rest waits for a later pass.
 */
export async function crawlHost(ctx: CrawlContext, work: HostWork): Promise<void> {
  const { host, row, sources } = work;
  let leasedAt = Date.now();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (row.notBefore && row.notBefore.getTime() > Date.now()) {
      ctx.summary.hostsSkipped++;
      return;
    }
    // Another pass (or worker) asked this host a moment ago: the gap holds across processes too.
    const wait = row.lastRequestAt ? row.lastRequestAt.getTime() + ctx.config.hostDelayMs - Date.now() : 0;
    if (wait > 0) ctx.fetch.gate.holdUntil(host, ctx.fetch.gate.now() + wait);
    // robots.txt, the probe, a request per source to begin with: the biggest hosts start first.
    ctx.fetch.gate.plan(host, sources.length + HOST_OVERHEAD);
    const priority = sources[0].priority;
    const robots = await ctx.robots.rulesFor(host, row, sources[0].url, priority);
    const renderMode = row.renderMode === 'browser' ? 'browser' : 'http';
    const info: HostInfo = { host, robots, renderMode, renderTally: { helped: 0, plain: 0 } };
    const probe = robots.failure ? Promise.resolve(false) : probeHost(ctx, info, row, sources[0].url, priority);
    let next = 0;
    let finished = 0;
    const lane = async () => {
      while (!stop.signal.aborted && next < sources.length) {
        const source = sources[next++];
        const prev = work.previous.get(source.id) ?? null;
        let attempt = await checkSource(ctx, source, info, prev, stop.signal);
        if (attempt.retryInPass && !stop.signal.aborted) {
          if (attempt.waitMs > IN_PASS_WAIT_MAX_MS) {
            record(ctx, attempt);
            stop.abort();
            break;
          }
          attempt = await checkSource(ctx, { ...source, consecutiveFailures: attempt.failures }, info, prev, stop.signal);
        }
        record(ctx, attempt);
        finished++;
        // What is left, at what this host's pages have cost so far (renders and redirects take more than one request).
        ctx.fetch.gate.plan(host, requestsLeft(sources.length - finished, finished, ctx.fetch.gate.started(host), HOST_OVERHEAD));
        if (Date.now() - leasedAt > work.leaseMs / 2) {
          leasedAt = Date.now();
          await leaseHost(ctx.db, host, ctx.workerId, new Date(), work.leaseMs);
        }
      }
    };
    const lanes = Array.from({ length: Math.min(LANES, sources.length) }, lane);
    const done = await Promise.allSettled([...lanes, probe.then((probed) => void (probed && ctx.summary.probes++))]);
    const failed = done.find((l): l is PromiseRejectedResult => l.status === 'rejected' && !(l.reason instanceof GateClosedError));
    if (failed) throw failed.reason;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await releaseHost(ctx.db, host, ctx.workerId, ctx.lastRequest(host));
  }
}

function record(ctx: CrawlContext, attempt: Attempt): void {
  const c = attempt.capture;
  const outcome = c.outcome as Outcome;
  countCapture(ctx.summary, outcome, classifyCapture({ outcome, bodyHash: c.bodyHash }, attempt.previousHash));
  ctx.onProgress?.({ done: ctx.summary.checked, total: ctx.total, url: c.requestedUrl, outcome });
}
