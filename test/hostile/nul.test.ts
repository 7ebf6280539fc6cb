import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSources, type CrawlSummary } from '../../src/crawl/crawlSources.js';
import { snapshots } from '../../src/db/schema/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';
import { addSources, capturesOf, crawlConfig, noDns } from '../helpers/crawl.js';
import { articleHtml } from '../helpers/sourceHistory.js';

const PARAGRAPHS = [
  'The committee voted seven to two on Tuesday to release the documents it had held since January this year.',
  'The chair said the release would be complete by the end of the month and that no pages would be withheld.',
  'Critics said the vote came too late, and that the delay had already cost the inquiry several key witnesses.',
];
/** NUL in the title and the text, and a lone surrogate's UTF-8-ish neighbour: what PostgreSQL refuses. */
const NUL_PAGE = Buffer.from(
  articleHtml('Before\u0000After', [`Funds moved\u0000 twice. ${PARAGRAPHS[0]}`, ...PARAGRAPHS.slice(1)]),
  'utf8',
);

/**
 * One loopback host answering raw HTTP, so headers can hold bytes Node's own server refuses to send.
 * /nul-text: NUL in title and text; /nul-header: NUL in an ETag; anything under /ok/: a normal page.
 */
function startRawHost(): Promise<{ url(path: string): string; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.once('data', (chunk) => {
      const path = /^GET (\S+)/.exec(chunk.toString('latin1'))?.[1] ?? '/';
      const page = (status: number, extraHeaders: string, body: Buffer) =>
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 ${status} X\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${body.length}\r\n${extraHeaders}connection: close\r\n\r\n`,
            'latin1',
          ),
          body,
        ]);
      let answer: Buffer;
      if (path === '/nul-text') answer = page(200, '', NUL_PAGE);
      else if (path === '/nul-header')
        answer = page(200, 'etag: "a\u0000b"\r\nserver: caf\u00e9\u0000\r\n', Buffer.from(articleHtml('Header page', PARAGRAPHS)));
      else if (path.startsWith('/ok/')) answer = page(200, '', Buffer.from(articleHtml(`Story ${path}`, PARAGRAPHS)));
      else answer = page(404, '', Buffer.from('not found'));
      socket.end(answer);
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    // In the simulated web's range (127.1.0.0/16), which test crawls may reach; 127.0.0.1 stays refused.
    server.listen(0, '127.1.254.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: (path) => `http://127.1.254.1:${port}${path}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

describe(`a page with NUL bytes beside normal pages of its host (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let host: Awaited<ReturnType<typeof startRawHost>>;
  let ids: Map<string, number>;
  let summary: CrawlSummary;
  const paths = ['/nul-text', '/nul-header', '/ok/1', '/ok/2', '/ok/3', '/ok/4'];

  beforeAll(async () => {
    database = await openTestDatabase();
    host = await startRawHost();
    // The NUL pages first: before the fix, the lane that met one died and the pass threw.
    ids = await addSources(
      database.db,
      paths.map((p, i) => ({ url: host.url(p), priority: 10 - i })),
    );
    summary = await crawlSources({ db: database.db, config: crawlConfig({ hostDelayMs: 10 }), resolver: noDns }, {});
  });
  afterAll(async () => {
    await host?.close();
    await database?.close();
  });

  it('completes the pass and captures every page of the host', async () => {
    expect(summary.checked).toBe(paths.length);
    for (const p of paths) expect((await capturesOf(database.db, ids.get(host.url(p))!)).length, p).toBeGreaterThan(0);
    for (const p of paths.filter((p) => p.startsWith('/ok/'))) {
      expect((await capturesOf(database.db, ids.get(host.url(p))!))[0].outcome).toBe('fetched');
    }
  });

  it('records the NUL page as fetched: body byte-exact, title and text with U+FFFD for NUL', async () => {
    const [capture] = await capturesOf(database.db, ids.get(host.url('/nul-text'))!);
    expect(capture.outcome).toBe('fetched');
    const [snap] = await database.db.select().from(snapshots).where(eq(snapshots.id, capture.snapshotId!));
    expect(Buffer.from(gunzipSync(snap.body)).equals(NUL_PAGE)).toBe(true);
    expect(snap.title).toBe('Before\uFFFDAfter');
    expect(snap.text).toContain('Funds moved\uFFFD twice.');
  });

  it('records the page whose headers hold NUL, whatever the HTTP client made of them', async () => {
    const [capture] = await capturesOf(database.db, ids.get(host.url('/nul-header'))!);
    expect(JSON.stringify(capture.headers)).not.toContain('\\u0000');
    expect(capture.errorMessage ?? '').not.toContain('\u0000');
  });
});
