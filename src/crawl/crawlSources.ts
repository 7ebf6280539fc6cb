import { setMaxListeners } from 'node:events';
import { createCaptureWriter } from '../archive/captureWriter.js';
import { previousSnapshotsOf } from '../archive/store.js';
import { storeCaptures } from '../archive/storeCaptures.js';
import { createBrowserRenderer } from './browserRenderer.js';
import { emptySummary, type CrawlSummary } from './captureRecord.js';
import { defaultWorkerId } from './checkSource.js';
import type { CrawlContext, CrawlDeps } from './context.js';
import { crawlHost } from './crawlHost.js';
import type { FetchDeps } from './fetchPage.js';
import { createHostGate, GateClosedError } from './hostGate.js';
import { createRobotsCache } from './hostRules.js';
import { createHttpFetcher } from './httpFetcher.js';
import { systemResolver } from './resolveTarget.js';
import { groupByHost, holdLiveness, leaseHosts, selectSources, type CrawlSelection } from './selectSources.js';

export type { CrawlSummary } from './captureRecord.js';
export type { CrawlDeps, CrawlProgress } from './context.js';
export type { CrawlSelection } from './selectSources.js';

/**
 * One crawl pass: the selected sources, grouped by host, every host in parallel (politeness is the
 * host gate's job), most important sources first. Each attempt is archived as it completes, so a
 * stopped pass keeps everything it did; waiting requests are dropped, in-flight ones finish.
 * A killed pass (kill -9) loses the attempts not yet written, but a source's next check moves only
 * with its stored capture and its host's lease dies with the process: the next pass asks again.
 */
export async function crawlSources(deps: CrawlDeps, selection: CrawlSelection = {}): Promise<CrawlSummary> {
  const started = performance.now();
  const { db, config } = deps;
  // One listener per host loop: a private signal, following the caller's, without listener warnings.
  const stopAll = new AbortController();
  setMaxListeners(0, stopAll.signal);
  if (deps.signal?.aborted) stopAll.abort();
  deps.signal?.addEventListener('abort', () => stopAll.abort(), { once: true });
  const signal = stopAll.signal;
  const now = deps.now ?? (() => new Date());
  const list = await selectSources(db, selection, now());
  const groups = groupByHost(list);
  const resolver = deps.resolver ?? systemResolver;
  const gate = createHostGate({ delayMs: config.hostDelayMs, concurrency: config.concurrency, signal });
  const fetcher = createHttpFetcher(config);
  const renderer = createBrowserRenderer({
    executable: config.browserExecutable,
    resolver,
    allowPrivateNetwork: config.allowPrivateNetwork,
    userAgent: config.userAgent,
    timeoutMs: config.totalTimeoutMs,
    readTimeoutMs: config.readTimeoutMs,
    acquire: (host, stop) => gate.acquire(host, 0, stop),
    maxBytes: config.maxBodyBytes,
    robotsAllow: (url) => robots.allowRedirect(url), // robots is built below; only called once a render runs
    slots: config.renderSlots || undefined,
    sharedRenderers: config.browserSharedRenderers,
  });
  const store = deps.storeBatch ?? ((inputs) => storeCaptures(db, inputs, deps.afterStore));
  const writer = createCaptureWriter(store, { maxBatch: 500, maxWaitMs: 200 });
  const lastRequests = new Map<string, number>();
  const noteRequests = (ends: Map<string, number>) => ends.forEach((at, host) => lastRequests.set(host, at));
  const fetch: FetchDeps = { fetcher, gate, resolver, settings: config };
  const robots = createRobotsCache({ db, config, fetch, noteRequests });
  fetch.robotsAllow = robots.allowRedirect;
  const summary = emptySummary();
  summary.hosts = groups.size;
  let storeFailure = null as { error: unknown } | null; // set by onStoreFailure, from the host loops
  const ctx: CrawlContext = {
    db,
    config,
    signal,
    fetch,
    renderer,
    writer,
    onStoreFailure: (error) => {
      storeFailure ??= { error };
      stopAll.abort();
    },
    workerId: deps.workerId ?? defaultWorkerId(),
    now,
    screenshots: selection.screenshots ?? config.screenshots,
    summary,
    total: list.length,
    onProgress: deps.onProgress,
    noteRequests,
    lastRequest: (host) => (lastRequests.has(host) ? new Date(lastRequests.get(host)!) : undefined),
    robots,
  };
  let dropLiveness: (() => Promise<void>) | undefined;
  try {
    dropLiveness = await holdLiveness(db, ctx.workerId);
    const leaseMs = Math.max(300_000, 4 * (config.totalTimeoutMs + config.hostDelayMs));
    const leased = await leaseHosts(db, [...groups.keys()], ctx.workerId, new Date(), leaseMs);
    summary.hostsSkipped = groups.size - leased.size;
    const previous = await previousSnapshotsOf(
      db,
      list.filter((s) => leased.has(s.host)).map((s) => s.id),
    );
    const results = await Promise.allSettled(
      [...leased].map(([host, row]) => crawlHost(ctx, { host, row, sources: groups.get(host)!, previous, leaseMs })),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof GateClosedError));
    if (failure) throw failure.reason;
  } finally {
    try {
      await Promise.all([writer.close(), robots.settled(), fetcher.close(), renderer.close()]);
    } finally {
      // Only now: every host loop has given its lease back.
      await dropLiveness?.();
    }
  }
  if (storeFailure) throw storeFailure.error;
  summary.interrupted = signal.aborted;
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}
