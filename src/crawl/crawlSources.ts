import { eq } from 'drizzle-orm';
import { hosts } from '../db/schema/index.js';
import { createBrowserRenderer } from './browserRenderer.js';
import { classifyCapture, countCapture, emptySummary, type CrawlSummary } from './captureRecord.js';
import { checkSource, defaultWorkerId } from './checkSource.js';
import type { CrawlContext, CrawlDeps, HostInfo } from './context.js';
import { createHostGate, GateClosedError } from './hostGate.js';
import { probeHost, robotsFor } from './hostRules.js';
import { createHttpFetcher } from './httpFetcher.js';
import type { Outcome } from './outcomePolicy.js';
import { systemResolver } from './resolveTarget.js';
import { groupByHost, leaseHost, releaseHost, selectSources, type CrawlSelection, type DueSource } from './selectSources.js';

export type { CrawlSummary } from './captureRecord.js';
export type { CrawlDeps, CrawlProgress } from './context.js';
export type { CrawlSelection } from './selectSources.js';

/** A Retry-After longer than this ends the host's pass; its sources stay due for the next one. */
const IN_PASS_WAIT_MAX_MS = 60_000;

/**
 * One crawl pass: the selected sources, grouped by host, every host in parallel (politeness is the
 * host gate's job), most important sources first. Each attempt is archived as it completes, so a
 * stopped pass keeps everything it did; waiting requests are dropped, in-flight ones finish.
 */
export async function crawlSources(deps: CrawlDeps, selection: CrawlSelection = {}): Promise<CrawlSummary> {
  const started = performance.now();
  const { db, config } = deps;
  const signal = deps.signal ?? new AbortController().signal;
  const list = await selectSources(db, selection, new Date());
  const groups = groupByHost(list);
  const resolver = deps.resolver ?? systemResolver;
  const gate = createHostGate({ delayMs: config.hostDelayMs, concurrency: config.concurrency, signal });
  const fetcher = createHttpFetcher({ ...config, concurrency: config.concurrency });
  const renderer = createBrowserRenderer({
    executable: config.browserExecutable,
    resolver,
    allowPrivateNetwork: config.allowPrivateNetwork,
    userAgent: config.userAgent,
    timeoutMs: config.totalTimeoutMs,
    acquire: (host) => gate.acquire(host),
  });
  const lastRequests = new Map<string, number>();
  const summary = emptySummary();
  summary.hosts = groups.size;
  const ctx: CrawlContext = {
    db,
    config,
    signal,
    fetch: { fetcher, gate, resolver, settings: config },
    renderer,
    workerId: deps.workerId ?? defaultWorkerId(),
    screenshots: selection.screenshots ?? config.screenshots,
    summary,
    total: list.length,
    onProgress: deps.onProgress,
    onCaptured: deps.onCaptured,
    noteRequests: (ends) => ends.forEach((at, host) => lastRequests.set(host, at)),
    lastRequest: (host) => (lastRequests.has(host) ? new Date(lastRequests.get(host)!) : undefined),
  };
  try {
    const results = await Promise.allSettled([...groups].map(([host, rows]) => crawlHost(ctx, host, rows)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof GateClosedError));
    if (failure) throw failure.reason;
  } finally {
    await Promise.all([fetcher.close(), renderer.close()]);
  }
  summary.interrupted = signal.aborted;
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

async function crawlHost(ctx: CrawlContext, host: string, rows: DueSource[]): Promise<void> {
  const { db, config } = ctx;
  // Long enough for the slowest possible source; renewed as the host's work goes on.
  const leaseMs = Math.max(300_000, 4 * (config.totalTimeoutMs + config.hostDelayMs));
  if (!(await leaseHost(db, host, ctx.workerId, new Date(), leaseMs))) {
    ctx.summary.hostsSkipped++;
    return;
  }
  let leasedAt = Date.now();
  try {
    const [row] = await db.select().from(hosts).where(eq(hosts.host, host));
    if (row?.notBefore && row.notBefore.getTime() > Date.now()) {
      ctx.summary.hostsSkipped++;
      return;
    }
    // Another pass (or worker) asked this host a moment ago: the gap holds across processes too.
    if (row?.lastRequestAt) {
      const wait = row.lastRequestAt.getTime() + config.hostDelayMs - Date.now();
      if (wait > 0) ctx.fetch.gate.holdUntil(host, ctx.fetch.gate.now() + wait);
    }
    const priority = rows[0].priority;
    const info: HostInfo = { host, robots: await robotsFor(ctx, host, row, rows[0].url, priority), renderMode: row?.renderMode === 'browser' ? 'browser' : 'http' };
    if (!info.robots.failure && (await probeHost(ctx, info, row, rows[0].url, priority))) ctx.summary.probes++;
    for (const source of rows) {
      if (ctx.signal.aborted) break;
      let attempt = await checkSource(ctx, source, info);
      if (attempt.retryInPass && !ctx.signal.aborted) {
        if (attempt.waitMs > IN_PASS_WAIT_MAX_MS) {
          record(ctx, attempt);
          break; // the host asked for a long pause: its remaining sources wait for the next pass
        }
        attempt = await checkSource(ctx, { ...source, consecutiveFailures: attempt.capture.outcome === 'fetched' ? 0 : source.consecutiveFailures + 1 }, info);
      }
      record(ctx, attempt);
      if (Date.now() - leasedAt > leaseMs / 2) {
        await leaseHost(db, host, ctx.workerId, new Date(), leaseMs);
        leasedAt = Date.now();
      }
    }
  } finally {
    await releaseHost(db, host, ctx.workerId);
  }
}

function record(ctx: CrawlContext, attempt: Awaited<ReturnType<typeof checkSource>>): void {
  const c = attempt.capture;
  countCapture(ctx.summary, c.outcome as Outcome, classifyCapture({ outcome: c.outcome as Outcome, bodyHash: c.bodyHash }, attempt.previousHash));
  ctx.onProgress?.({ done: ctx.summary.checked, total: ctx.total, url: c.requestedUrl, outcome: c.outcome });
}
