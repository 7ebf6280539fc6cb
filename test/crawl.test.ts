import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { crawlSources, type CrawlSummary } from '../src/crawl/crawlSources.js';
import { hosts, snapshots } from '../src/db/schema/index.js';
import type { CaptureRow } from '../src/archive/store.js';
import { startSimWeb, type SimWeb, type WebSpec } from '../src/simweb/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { addSources, capturesOf, countRows, crawlConfig, noDns } from './helpers/crawl.js';

const story = (headline: string, section = 'politics') => ({
  headline,
  byline: 'Ada Reporter',
  published: '2024-03-01',
  section,
  paragraphs: [
    `${headline}: the committee voted seven to two on Tuesday to release the documents it had held since January.`,
    'The chair said the release would be complete by the end of the month and that no pages would be withheld.',
    'Critics said the vote came too late, and that the delay had already cost the inquiry several key witnesses.',
    'Lawyers for two of the officials named in the files asked the court to delay publication by another week.',
    'The court declined, saying the public interest in the documents outweighed the harm the officials described.',
    'Members of the committee will meet again next month to decide whether to call further witnesses in public.',
    'A spokesperson for the ministry said it would cooperate fully and had nothing to add at this stage of the inquiry.',
  ],
});

const article = (headline: string, extra: object = {}) => ({
  kind: 'article' as const,
  template: 'news' as const,
  article: story(headline),
  ...extra,
});

const spec: WebSpec = {
  hosts: {
    'news.example': {
      robotsTxt: 'User-agent: *\nDisallow: /private/\n',
      pages: {
        '/politics/story-1': article('Committee releases files'),
        '/old': { kind: 'redirect', status: 301, location: '/politics/mid' },
        '/politics/mid': { kind: 'redirect', status: 302, location: '/politics/story-1' },
        '/loop-a': { kind: 'redirect', status: 302, location: '/loop-b' },
        '/loop-b': { kind: 'redirect', status: 307, location: '/loop-a' },
        '/gone': { kind: 'status', status: 410 },
        '/broken': { kind: 'status', status: 500 },
        '/busy': { kind: 'sequence', steps: [{ kind: 'status', status: 429, retryAfter: 1 }, article('Busy page answers later')] },
        '/cp1252': article('Café société à Genève', { charset: { bytes: 'windows-1252', header: null, meta: null } }),
        '/doc.pdf': { kind: 'article', template: 'pdf', article: story('Annual report on procurement') },
        '/private/secret': article('Not for robots'),
        '/to-strict': { kind: 'redirect', status: 301, location: { host: 'strict.example', path: '/landing' } },
      },
    },
    'strict.example': {
      robotsTxt: 'User-agent: *\nDisallow: /\n',
      pages: { '/landing': article('Nobody may crawl this') },
    },
    'trouble.example': {
      pages: {
        '/slow': { kind: 'slow', delayMs: 5000, then: article('Too slow') },
        '/trickle': { kind: 'slow', trickle: { chunkBytes: 10, intervalMs: 1000 }, then: article('Trickles') },
        '/hang': { kind: 'hang' },
        '/reset': { kind: 'reset' },
        '/large': { kind: 'large', bytes: 3_000_000 },
        '/bomb': { kind: 'gzipBomb', inflatedBytes: 64 * 1024 * 1024 },
      },
    },
    'slowpoke.example': {
      robotsTxt: 'User-agent: *\nCrawl-delay: 0.6\n',
      pages: { '/one': article('Slowpoke story one'), '/two': article('Slowpoke story two') },
    },
    'wire.example': {
      pages: {
        '/cross': { kind: 'redirect', status: 301, location: { host: 'news.example', path: '/politics/story-1' } },
        '/a': article('Wire story A'),
        '/b': article('Wire story B'),
      },
    },
  },
};

describe(`crawl against the simulated web (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let ids: Map<string, number>;
  let first: CrawlSummary;
  const config = crawlConfig();
  const seen: CaptureRow[] = [];
  const byPath = (host: string, path: string) => ids.get(web.url(host, path))!;
  const only = async (host: string, path: string) => {
    const rows = await capturesOf(database.db, byPath(host, path));
    return rows[rows.length - 1];
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb(spec);
    const urls = Object.entries(spec.hosts).flatMap(([host, h]) =>
      Object.keys(h.pages)
        .filter((p) => p !== '/politics/mid')
        .map((p) => ({ url: web.url(host, p) })),
    );
    urls.push({ url: web.refusedUrl('/nobody-home') }, { url: web.url('news.example', '/politics/never-was') });
    ids = await addSources(database.db, urls);
    first = await crawlSources({ db: database.db, config, resolver: noDns, afterStore: async (_tx, rows) => void seen.push(...rows) }, {});
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('stores a capture for every attempt and hands each to afterStore, in its transaction', async () => {
    expect(first.checked).toBe(ids.size);
    expect(await countRows(database.db, 'captures')).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(ids.size); // the 429 and the transient failures were retried once
  });

  it('follows redirects hop by hop and records each status', async () => {
    const c = await only('news.example', '/old');
    expect(c.outcome).toBe('fetched');
    expect(c.redirects.map((r) => r.status)).toEqual([301, 302, 200]);
    expect(c.finalUrl).toBe(web.url('news.example', '/politics/story-1'));
    const cross = await only('wire.example', '/cross');
    expect(cross.redirects.map((r) => [web.hostOf(r.url), r.status])).toEqual([
      ['wire.example', 301],
      ['news.example', 200],
    ]);
  });

  it('detects a redirect loop', async () => {
    const c = await only('news.example', '/loop-a');
    expect([c.outcome, c.errorKind]).toEqual(['http-error', 'redirect-loop']);
    expect(c.redirects.map((r) => r.status)).toEqual([302, 307]);
  });

  it('archives error statuses with their bodies', async () => {
    for (const [path, status] of [
      ['/gone', 410],
      ['/broken', 500],
      ['/politics/never-was', 404],
    ] as const) {
      const c = await only('news.example', path);
      expect([c.outcome, c.httpStatus]).toEqual(['http-error', status]);
      expect(c.snapshotId).not.toBeNull();
    }
    const broken = await capturesOf(database.db, byPath('news.example', '/broken'));
    expect(broken.map((c) => c.httpStatus)).toEqual([500, 500]); // a 5xx is retried once in the pass
  });

  it('honours Retry-After before asking again', async () => {
    const rows = await capturesOf(database.db, byPath('news.example', '/busy'));
    expect(rows.map((c) => [c.outcome, c.httpStatus])).toEqual([
      ['http-error', 429],
      ['fetched', 200],
    ]);
    expect(rows[0].headers['retry-after']).toBe('1');
    const busy = web.log.filter((r) => r.path === '/busy');
    expect(busy[1].startMs - busy[0].endMs!).toBeGreaterThanOrEqual(1000 - 5);
    const [host] = await database.db
      .select()
      .from(hosts)
      .where(eq(hosts.host, new URL(web.url('news.example')).host));
    expect(host.notBefore).not.toBeNull();
  });

  it('names network failures: timeout, reset, refused', async () => {
    for (const path of ['/slow', '/trickle', '/hang']) {
      const c = await only('trouble.example', path);
      expect([path, c.outcome, c.errorKind]).toEqual([path, 'network-error', 'timeout']);
      expect(c.durationMs).toBeLessThan(config.totalTimeoutMs + 1000);
    }
    expect((await only('trouble.example', '/reset')).errorKind).toBe('reset');
    const refused = (await capturesOf(database.db, ids.get(web.refusedUrl('/nobody-home'))!)).at(-1)!;
    expect([refused.outcome, refused.errorKind]).toEqual(['network-error', 'refused']);
  });

  it('stops at the body cap, plain or inflating', async () => {
    for (const path of ['/large', '/bomb']) {
      const c = await only('trouble.example', path);
      expect([path, c.outcome, c.snapshotId]).toEqual([path, 'too-large', null]);
    }
  });

  it('keeps raw bytes and extracts text with the right charset', async () => {
    const c = await only('news.example', '/cp1252');
    const [snap] = await database.db.select().from(snapshots).where(eq(snapshots.id, c.snapshotId!));
    const raw = gunzipSync(snap.body);
    expect(raw.includes(Buffer.from('Caf\xe9 soci\xe9t\xe9', 'latin1'))).toBe(true);
    expect(snap.title).toContain('Café société à Genève');
    expect(snap.size).toBe(raw.length);
  });

  it('extracts PDF text', async () => {
    const c = await only('news.example', '/doc.pdf');
    const [snap] = await database.db.select().from(snapshots).where(eq(snapshots.id, c.snapshotId!));
    expect(snap.text).toContain('committee voted seven to two');
  });

  it('respects robots.txt without asking for the page', async () => {
    const c = await only('news.example', '/private/secret');
    expect(c.outcome).toBe('robots-disallowed');
    expect(web.log.some((r) => r.path === '/private/secret')).toBe(false);
    expect(web.log.filter((r) => r.host === 'news.example' && r.path === '/robots.txt')).toHaveLength(1);
  });

  it('probes each host once for its soft-404 answer', async () => {
    const [news] = await database.db
      .select()
      .from(hosts)
      .where(eq(hosts.host, new URL(web.url('news.example')).host));
    expect(news.probe).toMatchObject({ status: 404 });
    expect(String(news.probe!.finalUrl)).toMatch(/citewatch-probe-[0-9a-f]+$/);
    expect(web.log.filter((r) => r.host === 'news.example' && r.path.includes('citewatch-probe-'))).toHaveLength(1);
  });

  it('does not follow a redirect to a page the robots.txt of its host disallows', async () => {
    const c = await only('news.example', '/to-strict');
    expect([c.outcome, c.errorKind]).toEqual(['robots-disallowed', 'robots']);
    expect(c.redirects.map((r) => [web.hostOf(r.url), r.status])).toEqual([['news.example', 301]]);
    expect(c.finalUrl).toBe(web.url('strict.example', '/landing'));
    expect(c.errorMessage).toMatch(/robots\.txt of .* disallows/);
    // One robots.txt read serves the host's own sources and the redirect; the page is never asked.
    expect(web.log.filter((r) => r.host === 'strict.example').map((r) => r.path)).toEqual(['/robots.txt']);
    expect((await only('strict.example', '/landing')).outcome).toBe('robots-disallowed');
  });

  it('is polite: one request in flight per host, the delay between them, hosts in parallel', () => {
    const p = web.politeness();
    for (const host of ['news.example', 'wire.example']) {
      expect(p[host].maxConcurrent).toBe(1);
      expect(p[host].minGapMs!).toBeGreaterThanOrEqual(config.hostDelayMs - 2);
    }
    // slowpoke's robots.txt asks for 0.6 s between requests, longer than our own delay.
    expect(p['slowpoke.example'].minGapMs!).toBeGreaterThanOrEqual(600 - 2);
    expect(p['slowpoke.example'].maxConcurrent).toBe(1);
    // In parallel: every host was first asked before any host was asked a second time. Read from the
    // simulated web's own order of requests, so a busy machine cannot fail it the way a gap in ms could.
    const hostsInParallel = ['news.example', 'trouble.example', 'wire.example'];
    const nth = (host: string, n: number) => web.log.filter((r) => r.host === host)[n]?.seq ?? Number.POSITIVE_INFINITY;
    expect(Math.max(...hostsInParallel.map((h) => nth(h, 0)))).toBeLessThan(Math.min(...hostsInParallel.map((h) => nth(h, 1))));
    expect(web.log.every((r) => r.headers.userAgent === config.userAgent)).toBe(true);
  });

  it('sends validators next time: a 304 points at the earlier snapshot and stores nothing new', async () => {
    const before = await countRows(database.db, 'snapshots');
    const firstCapture = await only('wire.example', '/a');
    const second = await crawlSources(
      { db: database.db, config, resolver: noDns },
      { host: new URL(web.url('wire.example')).host, all: true },
    );
    expect(second.checked).toBe(3);
    const again = await only('wire.example', '/a');
    expect(again.id).not.toBe(firstCapture.id);
    expect([again.outcome, again.httpStatus, again.snapshotId]).toEqual(['not-modified', 304, firstCapture.snapshotId]);
    expect(web.log.filter((r) => r.path === '/a').at(-1)!.headers.ifNoneMatch).toBe(firstCapture.headers.etag);
    expect(await countRows(database.db, 'snapshots')).toBe(before);
    expect(second.unchanged).toBeGreaterThanOrEqual(2);
  });
});
