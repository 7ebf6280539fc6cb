import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage, type FetchDeps } from '../src/crawl/fetchPage.js';
import { createHostGate } from '../src/crawl/hostGate.js';
import { createHttpFetcher } from '../src/crawl/httpFetcher.js';
import { classifyNetworkError, outcomePolicy } from '../src/crawl/outcomePolicy.js';
import { stalledTimeout, stalledWithin, type Stall } from '../src/crawl/processStalls.js';
import { noDns } from './helpers/crawl.js';

/**
 * citewatch's own timeouts are not the source's: a fetch whose timer ran out while citewatch's own
 * process stood still (a busy event loop, starved cores), or that its own backstop ended, is recorded
 * as `citewatch-timeout`, which reschedules soon and counts nothing against the source.
 */

describe('stalls of the process, as the timeout attribution sees them', () => {
  const stalls: Stall[] = [
    { endAt: 1000, ms: 400 }, // 600–1000
    { endAt: 5000, ms: 2000 }, // 3000–5000
  ];
  it.each([
    [0, 500, 0],
    [0, 800, 200],
    [700, 4000, 300 + 1000],
    [0, 10_000, 2400],
    [4500, 4600, 100],
    [6000, 9000, 0],
  ])('between %i and %i ms the process stood still %i ms', (from, to, ms) => {
    expect(stalledWithin(stalls, from, to)).toBe(ms);
  });

  it.each([
    [1500, 700, true], // the wait was mostly the process standing still
    [600, 20_000, false], // a hang of 20 s with a short stall in it stays the source's
    [2500, 20_000, true], // an eighth of a long wait lost: the timer may have fired on bytes already there
    [300, 300, false], // scheduling jitter
    [0, 45_000, false],
  ])('a stall of %i ms in a wait of %i ms makes the timeout ours: %s', (stalled, wait, ours) => {
    expect(stalledTimeout(stalled, wait)).toBe(ours);
  });

  it.each([
    [{ code: 'CITEWATCH_TIMEOUT', message: 'no answer within 55000 ms' }, 'citewatch-timeout'],
    // a timeout's wording never says whose it was (the source hanging, or our own guard): only the process's stalls tell them apart
    [{ name: 'TimeoutError', message: 'request timed out after 47 seconds.' }, 'timeout'],
    [{ code: 'ETIMEDOUT', name: 'TimeoutError', message: "Timeout awaiting 'socket' for 700ms" }, 'timeout'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'reset'],
  ])('names %o a %s', (error, kind) => {
    expect(classifyNetworkError(error)).toBe(kind);
  });

  it('retries citewatch timeouts in the pass and soon after, never as failures of the source', () => {
    expect(outcomePolicy('network-error', { errorKind: 'citewatch-timeout' })).toEqual({
      retryInPass: true,
      failure: false,
      backoff: false,
      soon: true,
    });
    expect(outcomePolicy('network-error', { errorKind: 'timeout' })).toMatchObject({ failure: true, backoff: true });
  });
});

describe('a fetch that times out while the process stands still', () => {
  let server: http.Server;
  let origin: string;
  let fetcher: ReturnType<typeof createHttpFetcher>;
  let deps: FetchDeps;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hang') return; // the source never answers: its timeout
      // A connection per request: on a kept-alive socket the answer can be read before the stalled timers fire.
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('the page answered');
      // The page is answered by its own code, but the process stands still first, past the fetch's
      // timeouts; the answer then waits 200 ms, so the fetch's long-expired timers have fired before
      // it arrives however loaded the machine (one timer turn was not always enough under CI's load).
      if (req.url === '/stall') {
        const until = performance.now() + 9000;
        while (performance.now() < until);
        return void setTimeout(answer, 200);
      }
      answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.1.250.1', resolve));
    origin = `http://127.1.250.1:${(server.address() as AddressInfo).port}`;
    fetcher = createHttpFetcher({
      connectTimeoutMs: 2000,
      readTimeoutMs: 1000,
      totalTimeoutMs: 3000,
      maxBodyBytes: 100_000,
    });
    deps = {
      fetcher,
      gate: createHostGate({ delayMs: 0, concurrency: 4 }),
      resolver: noDns,
      settings: { userAgent: 'citewatch-test', maxRedirects: 3, allowPrivateNetwork: ['127.1.0.0/16'] },
    };
  });
  afterAll(async () => {
    await fetcher?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a page that answers at once', async () => {
    const page = await fetchPage(deps, `${origin}/quick`, { priority: 0 });
    expect([page.outcome, page.httpStatus]).toEqual(['fetched', 200]);
  });

  it("records citewatch's own timeout when its process stood still through the wait, not the source's", async () => {
    const page = await fetchPage(deps, `${origin}/stall`, { priority: 0 });
    expect([page.outcome, page.errorKind]).toEqual(['network-error', 'citewatch-timeout']);
  });

  it('records a source that never answers as a timeout of the source', async () => {
    const page = await fetchPage(deps, `${origin}/hang`, { priority: 0 });
    expect([page.outcome, page.errorKind]).toEqual(['network-error', 'timeout']);
  });
});
