import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestQueue } from '@crawlee/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawleeConfig } from '../src/crawl/crawleeRuntime.js';
import { createHttpFetcher } from '../src/crawl/httpFetcher.js';

/**
 * What citewatch's crawlee adapter (src/crawl/crawleeRuntime.ts, src/crawl/httpFetcher.ts) relies on
 * beyond crawlee's documented options. Each case fails loudly when a crawlee release changes it,
 * rather than letting a pass slow down or Ctrl-C abort requests mid-flight unnoticed.
 */
describe('the crawlee behaviour the HTTP fetcher relies on', () => {
  let server: http.Server;
  let port: number;
  const limits = { connectTimeoutMs: 2000, readTimeoutMs: 2000, totalTimeoutMs: 4000, maxBodyBytes: 1_000_000, concurrency: 4 };

  beforeAll(async () => {
    server = http.createServer((req, res) =>
      res
        .writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain', 'x-path': req.url ?? '' })
        .end(`body of ${req.url}`),
    );
    await new Promise<void>((r) => server.listen(0, '127.1.0.250', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('queues have markRequestHandled and a client that can delete a request (the queue is made to forget handled ones)', async () => {
    const queue = (await RequestQueue.open(null, { config: crawleeConfig() })) as unknown as {
      markRequestHandled: unknown;
      client: { deleteRequest: unknown };
    };
    expect(typeof queue.markRequestHandled).toBe('function');
    expect(typeof queue.client.deleteRequest).toBe('function');
  });

  it('hands the post-navigation hook a readable response with status and headers, and reads each hop once', async () => {
    const fetcher = createHttpFetcher(limits);
    try {
      const hop = (path: string) =>
        fetcher.fetch({ url: `http://127.1.0.250:${port}${path}`, headers: { 'user-agent': 'contract-test' }, address: '127.1.0.250' });
      const results = await Promise.all(['/a', '/b', '/missing'].map(hop));
      expect(results.map((r) => (r.ok ? [r.status, r.headers['x-path'], r.body.toString()] : r.error.message))).toEqual([
        [200, '/a', 'body of /a'],
        [200, '/b', 'body of /b'],
        [404, '/missing', 'body of /missing'],
      ]);
    } finally {
      await fetcher.close();
    }
  });

  it('leaves Ctrl-C to citewatch: no SIGINT listener of crawlee stays installed while it runs', async () => {
    const before = process.listeners('SIGINT').length;
    const fetcher = createHttpFetcher(limits);
    try {
      const r = await fetcher.fetch({ url: `http://127.1.0.250:${port}/x`, headers: {}, address: '127.1.0.250' });
      expect(r.ok).toBe(true);
      expect(process.listeners('SIGINT').length).toBe(before);
    } finally {
      await fetcher.close();
    }
  });

  it('answers 600 hops in a row on one long-lived crawler, handled requests deleted as they go', async () => {
    const fetcher = createHttpFetcher(limits);
    try {
      for (let i = 0; i < 600; i++) {
        const r = await fetcher.fetch({ url: `http://127.1.0.250:${port}/n${i}`, headers: {}, address: '127.1.0.250' });
        expect(r.ok).toBe(true);
      }
    } finally {
      await fetcher.close();
    }
  }, 60_000);
});
