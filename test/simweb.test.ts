import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { startSimWeb, type SimWeb, type WebSpec } from '../src/simweb/index.js';

type Got = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A raw GET (no redirects followed, no decompression) so the tests see exactly what was sent. */
function get(url: string, headers: Record<string, string> = {}, timeoutMs?: number): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', reject);
  });
}

const article = (headline: string, paragraphs: string[]) => ({
  headline,
  byline: 'Maria Gómez',
  published: '2024-03-02',
  paragraphs,
  section: 'politics',
});
const first = article('Council awards $400,000 contract', [
  'The council awarded a $400,000 contract to Smith & Co. on Tuesday.',
  'Critics called it “a giveaway”.',
]);
const second = article('Council awards $200,000 contract', [
  'The council awarded a $200,000 contract to Smith & Co. on Tuesday.',
  'Critics called it “a giveaway”.',
]);

const spec: WebSpec = {
  seed: 42,
  hosts: {
    'www.example-news.com': {
      robotsTxt: 'User-agent: *\nDisallow: /private/\n',
      pages: {
        '/story': {
          kind: 'rounds',
          rounds: [
            { kind: 'article', template: 'news', article: first },
            { kind: 'article', template: 'news', article: second },
          ],
        },
        '/stable': { kind: 'article', template: 'wire', article: first },
        '/loop-a': { kind: 'redirect', status: 302, location: '/loop-b' },
        '/loop-b': { kind: 'redirect', status: 302, location: '/loop-a' },
        '/away': { kind: 'redirect', status: 301, location: { host: 'news-3.sim', path: '/landing' } },
        '/reset': { kind: 'reset' },
        '/hang': { kind: 'hang' },
        '/bomb': { kind: 'gzipBomb' },
        '/big': { kind: 'large', bytes: 3_000_000 },
        '/slow': { kind: 'slow', delayMs: 150, then: { kind: 'article', template: 'blog', article: first } },
        '/trickle': {
          kind: 'slow',
          trickle: { chunkBytes: 512, intervalMs: 5 },
          then: { kind: 'article', template: 'gov', article: first },
        },
        '/flaky': {
          kind: 'sequence',
          steps: [
            { kind: 'status', status: 503, retryAfter: 1 },
            { kind: 'article', template: 'news', article: first },
          ],
        },
        '/report.pdf': { kind: 'article', template: 'pdf', article: first },
        '/latin': {
          kind: 'article',
          template: 'blog',
          article: first,
          charset: { bytes: 'windows-1252', header: null, meta: 'windows-1252' },
        },
        '/lying': { kind: 'article', template: 'wire', article: first, charset: { bytes: 'iso-8859-1', header: 'utf-8', meta: null } },
        '/challenge': { kind: 'botChallenge', status: 503 },
      },
    },
    'news-3.sim': { pages: { '/landing': { kind: 'article', template: 'encyclopedia', article: first } }, notFound: { kind: 'soft404' } },
    'parked.sim': { pages: { '/': { kind: 'article', template: 'blog', article: first } }, parkedFromRound: 1 },
  },
};

let web: SimWeb;
beforeAll(async () => {
  web = await startSimWeb(spec);
});
afterAll(async () => {
  await web.close();
});

describe('simulated web: hosts, rounds, validators', () => {
  it('gives each logical host its own loopback address on one port, and maps URLs back', () => {
    const addresses = web.hosts.map((h) => new URL(web.url(h, '/')).hostname);
    expect(new Set(addresses).size).toBe(web.hosts.length);
    for (const a of addresses) expect(a).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(new Set(web.hosts.map((h) => new URL(web.url(h, '/')).port)).size).toBe(1);
    for (const h of web.hosts) expect(web.hostOf(web.url(h, '/x?y=1'))).toBe(h);
    expect(web.hostOf(web.refusedUrl('/'))).toBeUndefined();
  });

  it('switches content with the round and answers 304 only while the content is unchanged', async () => {
    web.setRound(0);
    const a = await get(web.url('www.example-news.com', '/story'));
    expect(a.status).toBe(200);
    expect(a.body.toString()).toContain('$400,000');
    const etag = String(a.headers.etag);
    const lastModified = String(a.headers['last-modified']);
    expect((await get(web.url('www.example-news.com', '/story'), { 'if-none-match': etag })).status).toBe(304);
    expect((await get(web.url('www.example-news.com', '/story'), { 'if-modified-since': lastModified })).status).toBe(304);
    const stable = await get(web.url('www.example-news.com', '/stable'));
    web.setRound(1);
    expect(web.round).toBe(1);
    const b = await get(web.url('www.example-news.com', '/story'), { 'if-none-match': etag });
    expect(b.status).toBe(200);
    expect(b.body.toString()).toContain('$200,000');
    expect((await get(web.url('www.example-news.com', '/story'), { 'if-modified-since': lastModified })).status).toBe(200);
    expect((await get(web.url('www.example-news.com', '/stable'), { 'if-none-match': String(stable.headers.etag) })).status).toBe(304);
    const logged = web.log.filter((r) => r.path === '/story' && r.round === 1);
    expect(logged[0].headers.ifNoneMatch).toBe(etag);
    web.setRound(0);
  });

  it('serves robots.txt, redirect loops, cross-host redirects and soft-404s', async () => {
    const robots = await get(web.url('www.example-news.com', '/robots.txt'));
    expect(robots.status).toBe(200);
    expect(robots.body.toString()).toContain('Disallow: /private/');
    expect((await get(web.url('news-3.sim', '/robots.txt'))).status).toBe(404);
    const loop = await get(web.url('www.example-news.com', '/loop-a'));
    expect(loop.status).toBe(302);
    expect(loop.headers.location).toBe(web.url('www.example-news.com', '/loop-b'));
    await expect(fetch(web.url('www.example-news.com', '/loop-a'))).rejects.toThrow();
    const away = await fetch(web.url('www.example-news.com', '/away'));
    expect(web.hostOf(away.url)).toBe('news-3.sim');
    const soft = await get(web.url('news-3.sim', '/no/such/page'));
    expect(soft.status).toBe(200);
    expect(soft.body.toString()).toContain('Page not found');
    expect((await get(web.url('www.example-news.com', '/no/such/page'))).status).toBe(404);
  });

  it('parks a domain from its round on, robots.txt included', async () => {
    expect((await get(web.url('parked.sim', '/'))).body.toString()).not.toContain('for sale');
    web.setRound(1);
    for (const path of ['/', '/anything', '/robots.txt']) {
      const page = await get(web.url('parked.sim', path));
      expect(page.status).toBe(200);
      expect(page.body.toString()).toContain('This domain may be for sale');
    }
    web.setRound(0);
  });
});

describe('simulated web: failures', () => {
  it('resets, refuses, and hangs until the client gives up', async () => {
    await expect(get(web.url('www.example-news.com', '/reset'))).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(get(web.refusedUrl('/x'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(get(web.url('www.example-news.com', '/hang'), {}, 300)).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT' });
    const hung = web.log.filter((r) => r.path === '/hang').at(-1)!;
    expect(hung.status).toBeNull();
    expect(web.log.filter((r) => r.path === '/reset').at(-1)!.outcome).toBe('reset');
  });

  it('fails transiently: first request of the round 503 with Retry-After, then the page', async () => {
    const a = await get(web.url('www.example-news.com', '/flaky'));
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('1');
    expect((await get(web.url('www.example-news.com', '/flaky'))).status).toBe(200);
    web.setRound(1);
    expect((await get(web.url('www.example-news.com', '/flaky'))).status).toBe(503);
    web.setRound(0);
  });

  it('sends a gzip bomb: small gzip body declared as Content-Encoding gzip', async () => {
    const bomb = await get(web.url('www.example-news.com', '/bomb'));
    expect(bomb.headers['content-encoding']).toBe('gzip');
    expect(bomb.body.length).toBeLessThan(1024 * 1024);
    expect([bomb.body[0], bomb.body[1]]).toEqual([0x1f, 0x8b]);
    // The gzip trailer's ISIZE holds the inflated size modulo 2^32.
    expect(bomb.body.readUInt32LE(bomb.body.length - 4)).toBe(256 * 1024 * 1024);
  });

  it('sends a large body of exactly the size asked, and trickles a body in many pieces', async () => {
    const big = await get(web.url('www.example-news.com', '/big'));
    expect(big.body.length).toBe(3_000_000);
    expect(big.headers['content-length']).toBe('3000000');
    const pieces = await new Promise<number>((resolve, reject) => {
      http
        .get(web.url('www.example-news.com', '/trickle'), { agent: false }, (res) => {
          let n = 0;
          res.on('data', () => n++);
          res.on('end', () => resolve(n));
        })
        .on('error', reject);
    });
    expect(pieces).toBeGreaterThan(3);
  });

  it('closes with a hanging connection still open, and the client sees the connection end', async () => {
    const other = await startSimWeb({ hosts: { 'h.sim': { pages: { '/hang': { kind: 'hang' } } } } });
    const pending = get(other.url('h.sim', '/hang'));
    await other.waitForRequests(1);
    await other.close();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(other.log[0].outcome).toBe('hung');
  });
});

describe('simulated web: content', () => {
  it('serves a real PDF whose text a PDF reader extracts', async () => {
    const pdf = await get(web.url('www.example-news.com', '/report.pdf'));
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.body)), { mergePages: true });
    expect(text).toContain('The council awarded a $400,000 contract');
    expect(text).toContain('Council awards $400,000 contract');
  });

  it('encodes windows-1252 with the charset only in a meta tag', async () => {
    const page = await get(web.url('www.example-news.com', '/latin'));
    expect(page.headers['content-type']).toBe('text/html');
    expect(page.body.toString('latin1')).toContain('<meta charset="windows-1252">');
    expect(page.body.includes(Buffer.from([0x93]))).toBe(true); // “ in windows-1252
    expect(page.body.toString('utf8')).not.toContain('“a giveaway”');
  });
});

describe('simulated web: more content', () => {
  it('lies about the charset in the header when told to', async () => {
    const page = await get(web.url('www.example-news.com', '/lying'));
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body.includes(Buffer.from('Gómez', 'latin1'))).toBe(true);
    expect(page.body.includes(Buffer.from('Gómez', 'utf8'))).toBe(false);
  });

  it('answers HEAD with headers only, and bot challenges look like Cloudflare', async () => {
    const head = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.request(web.url('www.example-news.com', '/stable'), { method: 'HEAD', agent: false }, resolve).on('error', reject).end();
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toMatch(/^W\/"/);
    const challenge = await get(web.url('www.example-news.com', '/challenge'));
    expect(challenge.status).toBe(503);
    expect(challenge.headers['cf-mitigated']).toBe('challenge');
    expect(challenge.body.toString()).toContain('Just a moment...');
  });
});

describe('simulated web: log and politeness', () => {
  it('counts concurrency per host: two parallel requests give 2, sequential ones 1', async () => {
    const local = await startSimWeb({
      hosts: {
        'a.sim': { pages: { '/slow': { kind: 'slow', delayMs: 100, then: { kind: 'status', status: 200, body: 'ok' } } } },
        'b.sim': { pages: { '/x': { kind: 'status', status: 200, body: 'ok' } } },
      },
    });
    await Promise.all([get(local.url('a.sim', '/slow')), get(local.url('a.sim', '/slow'))]);
    await get(local.url('b.sim', '/x'));
    await get(local.url('b.sim', '/x'));
    await local.waitForRequests(4, { finished: true });
    const p = local.politeness();
    await local.close();
    expect(p['a.sim']).toMatchObject({ requests: 2, maxConcurrent: 2, minGapMs: 0 });
    expect(p['b.sim'].maxConcurrent).toBe(1);
    expect(p['b.sim'].minGapMs).toBeGreaterThanOrEqual(0);
    expect(p['b.sim'].minStartGapMs).toBeGreaterThan(0);
    const logged = local.log.filter((r) => r.host === 'a.sim');
    for (const r of logged) expect(r.endMs! - r.startMs).toBeGreaterThanOrEqual(90);
  });

  it('is deterministic for a seed and a clock, and noisy from one request to the next', async () => {
    const fixed = { clock: () => Date.UTC(2024, 4, 1) };
    const [w1, w2] = await Promise.all([startSimWeb(spec, fixed), startSimWeb(spec, fixed)]);
    const path = '/story';
    const a1 = await get(w1.url('www.example-news.com', path));
    const a2 = await get(w2.url('www.example-news.com', path));
    const b1 = await get(w1.url('www.example-news.com', path));
    await Promise.all([w1.close(), w2.close()]);
    expect(a1.body.equals(a2.body)).toBe(true);
    expect(a1.body.equals(b1.body)).toBe(false);
    const paragraphs = (b: Buffer) => b.toString().match(/<p class="story-paragraph">[^<]*<\/p>/g);
    expect(paragraphs(a1.body)).toEqual(paragraphs(b1.body));
  });
});
