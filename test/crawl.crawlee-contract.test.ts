import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../src/crawl/httpFetcher.js';

/**
 * What citewatch's HTTP fetcher (src/crawl/httpFetcher.ts) relies on in crawlee's HTTP client
 * (GotScrapingHttpClient) beyond its documented options: the got options it passes through (no
 * redirect following, our DNS answer, our headers only), the head Node wrote, the raw response
 * headers. Each case fails loudly when a crawlee or got-scraping release changes it.
 */
describe('the crawlee HTTP client behaviour the fetcher relies on', () => {
  let server: http.Server;
  let port: number;
  const heads: http.IncomingHttpHeaders[] = [];
  const limits = { connectTimeoutMs: 2000, readTimeoutMs: 2000, totalTimeoutMs: 4000, maxBodyBytes: 1_000_000 };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      heads.push(req.headers);
      if (req.url === '/moved') return res.writeHead(301, { location: '/a' }).end();
      res
        .writeHead(req.url === '/missing' ? 404 : 200, [
          ['content-type', 'text/plain'],
          ['x-path', req.url ?? ''],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ])
        .end(`body of ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.1.0.250', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('reads each hop once, error statuses included, and follows no redirect', async () => {
    const fetcher = createHttpFetcher(limits);
    const hop = (path: string) =>
      fetcher.fetch({ url: `http://127.1.0.250:${port}${path}`, headers: { 'user-agent': 'contract-test' }, address: '127.1.0.250' });
    const results = await Promise.all(['/a', '/b', '/missing', '/moved'].map(hop));
    expect(results.map((r) => (r.ok ? [r.status, r.headers['x-path'] ?? r.headers.location, r.body.toString()] : r.error.message))).toEqual(
      [
        [200, '/a', 'body of /a'],
        [200, '/b', 'body of /b'],
        [404, '/missing', 'body of /missing'],
        [301, '/a', ''],
      ],
    );
    await fetcher.close();
  });

  it('connects to the address it is given whatever the name, sends our headers only, and says what it sent', async () => {
    const fetcher = createHttpFetcher(limits);
    heads.length = 0;
    const r = await fetcher.fetch({
      url: `http://news.example.invalid:${port}/x`,
      headers: { 'user-agent': 'contract-test', accept: 'text/html' },
      address: '127.1.0.250',
    });
    if (!r.ok) throw r.error;
    expect(r.headerList.filter(([name]) => name === 'Set-Cookie')).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
    expect(heads[0]['user-agent']).toBe('contract-test');
    expect(heads[0]['sec-ch-ua']).toBeUndefined(); // no generated browser headers
    expect(r.request.method).toBe('GET');
    // got-scraping re-cases and reorders what we asked for: only the written head says what was sent.
    const sent = new Map(r.request.headers.map(([name, value]) => [name.toLowerCase(), value]));
    expect(sent.get('user-agent')).toBe('contract-test');
    expect(sent.get('host')).toBe(`news.example.invalid:${port}`);
    await fetcher.close();
  });

  it('answers 600 hops in a row on one fetcher', async () => {
    const fetcher = createHttpFetcher(limits);
    for (let i = 0; i < 600; i++) {
      const r = await fetcher.fetch({ url: `http://127.1.0.250:${port}/n${i}`, headers: {}, address: '127.1.0.250' });
      expect(r.ok).toBe(true);
    }
    await fetcher.close();
  }, 60_000);
});
