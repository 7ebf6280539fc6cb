// @crawlee/core, not the 'crawlee' umbrella: loading the umbrella loads @crawlee/browser-pool, whose
// proxy-server module starts an unauthenticated proxy-chain server on every interface as a side effect.
import { Configuration } from '@crawlee/core';

/** How citewatch runs crawlee crawlers: long-lived, fed by our own scheduler, in memory only. */

/**
 * crawlee settings for a crawler we feed ourselves: queues in memory only (no ./storage left behind),
 * and no system sampling every second (it spawns `ps`; our concurrency is fixed, not autoscaled).
 */
export function crawleeConfig(): Configuration {
  return new Configuration({
    persistStorage: false,
    purgeOnStart: true,
    systemInfoIntervalMillis: 3_600_000,
    persistStateIntervalMillis: 3_600_000,
  });
}

type RequestQueueLike = {
  markRequestHandled(request: { id?: string }): Promise<unknown>;
  client: { deleteRequest(id: string): Promise<unknown> };
};
type Enqueueing = { addRequests(requests: { url: string; uniqueKey: string }[]): Promise<unknown>; getRequestQueue(): Promise<unknown> };

/**
 * Hands hops to crawlee in batches (all hops asked for in one turn of the event loop go in one
 * addRequests call: each call validates its arguments at some cost), on a queue that forgets a
 * request once it is handled. crawlee's in-memory queue otherwise keeps every handled request and
 * walks past all of them to find the next one, which grows with the square of a pass's requests;
 * a fetcher gives each request exactly once, so nothing needs remembering.
 */
export function batchedAdder(crawler: Enqueueing) {
  let batch: { url: string; uniqueKey: string }[] = [];
  let added: Promise<unknown> | null = null;
  let queuePatched: Promise<void> | null = null;
  const forgetHandled = async () => {
    const queue = (await crawler.getRequestQueue()) as RequestQueueLike;
    const mark = queue.markRequestHandled.bind(queue);
    queue.markRequestHandled = async (request) => {
      const info = await mark(request);
      if (request.id) await queue.client.deleteRequest(request.id);
      return info;
    };
  };
  return {
    async add(request: { url: string; uniqueKey: string }): Promise<void> {
      await (queuePatched ??= forgetHandled());
      batch.push(request);
      added ??= new Promise((resolve) => setImmediate(resolve)).then(() => {
        const requests = batch;
        batch = [];
        added = null;
        return crawler.addRequests(requests);
      });
      await added;
    },
  };
}

type Runnable = { run(): Promise<unknown>; stop(): void; autoscaledPool?: unknown };

/**
 * Runs a keepAlive crawlee crawler on first use and stops it gracefully (in-flight requests finish).
 * crawlee installs its own SIGINT handler that aborts the pool mid-request; Ctrl-C is citewatch's to
 * handle (stop taking work, finish what is in flight), so that handler is taken off again as soon as
 * it is added (it is added some time after the pool exists: waiting for the pool raced it).
 * test/crawl.crawlee-contract.test.ts fails if crawlee changes this.
 */
export function keepAliveRunner(crawler: Runnable) {
  let running: Promise<unknown> | null = null;
  let ready: Promise<void> | null = null;
  return {
    start(): Promise<void> {
      if (ready) return ready;
      const dropSigint = (event: string | symbol, listener: (...args: unknown[]) => void) => {
        if (event !== 'SIGINT') return;
        process.off('newListener', dropSigint);
        setImmediate(() => process.off('SIGINT', listener));
      };
      process.on('newListener', dropSigint);
      running = crawler
        .run()
        .catch(() => {})
        .finally(() => process.off('newListener', dropSigint));
      ready = (async () => {
        for (let i = 0; i < 500 && !crawler.autoscaledPool; i++) await new Promise((r) => setTimeout(r, 5));
      })();
      return ready;
    },
    async stop(): Promise<void> {
      if (!running) return;
      await ready;
      crawler.stop();
      // A bounded wait, its timer cleared (and unref'd): a pending 10 s timer kept every crawl alive after its summary.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise((r) => (timer = setTimeout(r, 10_000)).unref());
      try {
        await Promise.race([running, bound]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
