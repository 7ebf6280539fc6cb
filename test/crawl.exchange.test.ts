import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSources } from '../src/crawl/crawlSources.js';
import { sentRequest } from '../src/crawl/httpFetcher.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { addSources, capturesOf, crawlConfig, noDns } from './helpers/crawl.js';

/** The page's headers in the order the server writes them: repeats and odd spellings on purpose. */
const PAGE_HEADERS: [string, string][] = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ['Set-Cookie', 'first=1; Path=/'],
  ['Link', '</style.css>; rel=preload; as=style'],
  ['ETag', '"v1"'],
  ['set-cookie', 'second=2; Path=/; HttpOnly'],
  ['X-Custom', 'one'],
  ['Link', '</next>; rel=next'],
  ['Connection', 'close'],
];
const BODY = Buffer.from(
  `<html><head><title>Exchange</title></head><body><article><h1>Exchange</h1><p>${'The council published its full minutes today. '.repeat(12)}</p></article></body></html>`,
);

type Received = { path: string; head: string };

/**
 * A server written on raw sockets, so the test knows every byte of each answer's header block and
 * reads back every request head exactly as it arrived: nothing Node adds on either side is guessed.
 */
async function startRawServer(address: string) {
  const received: Received[] = [];
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.slice(0, end + 2);
      const path = head.split(' ')[1];
      received.push({ path, head });
      const notModified = /^if-none-match: "v1"$/im.test(head);
      const [status, headers, body] =
        path === '/page'
          ? notModified
            ? ['304 Not Modified', PAGE_HEADERS.filter(([n]) => n !== 'Content-Type'), Buffer.alloc(0)]
            : ['200 OK', [...PAGE_HEADERS, ['Content-Length', String(BODY.length)]], BODY]
          : [
              '404 Not Found',
              [
                ['Content-Length', '0'],
                ['Connection', 'close'],
              ],
              Buffer.alloc(0),
            ];
      const lines = (headers as [string, string][]).map(([n, v]) => `${n}: ${v}\r\n`).join('');
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${lines}\r\n`, 'latin1'), body as Buffer]));
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { received, url: (path: string) => `http://${address}:${port}${path}`, close: () => new Promise((r) => server.close(r)) };
}

describe(`the archive keeps each exchange as it happened (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let server: Awaited<ReturnType<typeof startRawServer>>;
  let sourceId: number;
  const config = crawlConfig({ hostDelayMs: 0 });

  beforeAll(async () => {
    database = await openTestDatabase();
    server = await startRawServer('127.1.251.7');
    const ids = await addSources(database.db, [{ url: server.url('/page') }]);
    sourceId = ids.get(server.url('/page'))!;
    await crawlSources({ db: database.db, config, resolver: noDns }, {});
    // Every source again, so the second pass sends the validators the first answer gave.
    await crawlSources({ db: database.db, config, resolver: noDns }, { all: true });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('stores every response header as received: order, spelling and repeated Set-Cookie and Link kept', async () => {
    const [first] = await capturesOf(database.db, sourceId);
    expect(first.outcome).toBe('fetched');
    expect(first.responseHeaderList).toEqual([...PAGE_HEADERS, ['Content-Length', String(BODY.length)]]);
    // The allow-listed, lower-cased map later stages read is still there beside it.
    expect(first.headers.etag).toBe('"v1"');
  });

  it('stores the request line and headers exactly as the server received them, User-Agent included', async () => {
    const [first] = await capturesOf(database.db, sourceId);
    const asReceived = server.received.filter((r) => r.path === '/page')[0];
    expect(first.request).toEqual(sentRequest(asReceived.head, server.url('/page')));
    expect(first.request?.method).toBe('GET');
    expect(first.request?.httpVersion).toBe('1.1');
    expect(first.request?.headers).toContainEqual([expect.stringMatching(/^user-agent$/i), config.userAgent]);
    expect(first.request?.headers.some(([n]) => /^if-none-match$/i.test(n))).toBe(false);
  });

  it('a conditional recheck records the validators it sent and the 304 answer', async () => {
    const rows = await capturesOf(database.db, sourceId);
    expect(rows).toHaveLength(2);
    const second = rows[1];
    expect(second.outcome).toBe('not-modified');
    const asReceived = server.received.filter((r) => r.path === '/page')[1];
    expect(second.request).toEqual(sentRequest(asReceived.head, server.url('/page')));
    expect(second.request?.headers).toContainEqual([expect.stringMatching(/^if-none-match$/i), '"v1"']);
    expect(second.responseHeaderList).toEqual(PAGE_HEADERS.filter(([n]) => n !== 'Content-Type'));
  });

  it('reads a request head back into its line and headers, and refuses what is not one', () => {
    const head = 'GET /a?b=1 HTTP/1.1\r\nHost: x.example\r\nAccept: */*\r\nX-Two: a: b\r\n\r\n';
    expect(sentRequest(head, 'http://x.example/a?b=1')).toEqual({
      method: 'GET',
      url: 'http://x.example/a?b=1',
      httpVersion: '1.1',
      headers: [
        ['Host', 'x.example'],
        ['Accept', '*/*'],
        ['X-Two', 'a: b'],
      ],
    });
    expect(sentRequest(undefined, 'http://x/')).toBeUndefined();
    expect(sentRequest('garbage', 'http://x/')).toBeUndefined();
  });
});
