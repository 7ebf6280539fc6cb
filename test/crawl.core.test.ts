import { describe, expect, it } from 'vitest';
import { addressAllowed, classifyAddress, literalAddress, parseCidr } from '../src/net/addressPolicy.js';
import { classifyCapture, probeUrl, selectHeaders } from '../src/crawl/captureRecord.js';
import { classifyNetworkError, outcomePolicy, parseRetryAfter } from '../src/crawl/outcomePolicy.js';
import { PolitenessQueue, requestsLeft } from '../src/crawl/politeness.js';
import { robotsAllows, robotsCrawlDelayMs, robotsFromAnswer, robotsToken } from '../src/crawl/robots.js';

describe('address classifier', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'], // 6to4 of 192.168.1.1
    ['2606:4700::1111', 'public'],
    ['ff02::1', 'multicast'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://example.org/', null],
  ])('the URL parser normalizes %s to %s before the check', (url, literal) => {
    expect(literalAddress(new URL(url))).toBe(literal);
  });

  it('refuses everything but public addresses unless private networks are allowed', () => {
    expect(addressAllowed('10.0.0.1', false)).toEqual({ allowed: false, cls: 'private' });
    expect(addressAllowed('10.0.0.1', true)).toEqual({ allowed: true, cls: 'private' });
    expect(addressAllowed('93.184.216.34', false).allowed).toBe(true);
    expect(addressAllowed('garbage', true).allowed).toBe(false);
  });

  const simulatedWeb = ['127.1.0.0/16', 'fd00:abcd::/32'];
  it.each([
    ['127.1.0.1', true],
    ['127.1.255.254', true],
    ['::ffff:127.1.3.4', true],
    ['127.0.0.1', false],
    ['127.2.0.1', false],
    ['10.0.0.1', false],
    ['169.254.169.254', false],
    ['fd00:abcd:1::5', true],
    ['fd00:abce::5', false],
    ['::1', false],
    ['93.184.216.34', true],
  ])('with 127.1.0.0/16 and fd00:abcd::/32 allowed, %s is allowed: %s', (address, allowed) => {
    expect(addressAllowed(address, simulatedWeb).allowed).toBe(allowed);
  });

  it.each([
    ['127.1.0.0/16', true],
    ['10.0.0.7', true],
    ['::1/128', true],
    ['127.1.0.0/33', false],
    ['127.1.0.0/-1', false],
    ['127.1.0.0/16/2', false],
    ['localhost/8', false],
    ['', false],
  ])('parseCidr(%j) is a range: %s', (text, ok) => {
    expect(parseCidr(text) !== null).toBe(ok);
  });
});

describe('politeness queue', () => {
  const queue = (delayMs = 1000, concurrency = 10) => new PolitenessQueue<string>({ delayMs, concurrency });
  const items = (ws: { item: string }[]) => ws.map((w) => w.item);

  it('starts one request per host and waits the delay after it ends', () => {
    const q = queue();
    q.enqueue('a', 0, 'a1');
    q.enqueue('a', 0, 'a2');
    q.enqueue('b', 0, 'b1');
    expect(items(q.startable(0))).toEqual(['a1', 'b1']);
    expect(q.startable(0)).toEqual([]);
    q.finish('a', 300);
    expect(q.nextWakeAt()).toBe(1300);
    expect(q.startable(1299)).toEqual([]);
    expect(items(q.startable(1300))).toEqual(['a2']);
  });

  it('caps requests in flight overall and serves the most important first', () => {
    const q = queue(0, 2);
    q.enqueue('a', 1, 'a-low');
    q.enqueue('b', 5, 'b-high');
    q.enqueue('c', 3, 'c-mid');
    expect(items(q.startable(0))).toEqual(['b-high', 'c-mid']);
    expect(q.nextWakeAt()).toBeNull();
    q.finish('b', 1);
    expect(items(q.startable(1))).toEqual(['a-low']);
  });

  it('orders a host queue by priority, then arrival', () => {
    const q = queue(0);
    for (const [p, name] of [
      [1, 'x'],
      [3, 'y'],
      [1, 'z'],
      [3, 'w'],
    ] as const)
      q.enqueue('h', p, name);
    const order: string[] = [];
    for (let t = 0; t < 4; t++) {
      order.push(...items(q.startable(t)));
      q.finish('h', t);
    }
    expect(order).toEqual(['y', 'w', 'x', 'z']);
  });

  it('holds a host until a Retry-After has passed', () => {
    const q = queue(100);
    q.holdUntil('a', 5000);
    q.enqueue('a', 0, 'a1');
    expect(q.startable(4999)).toEqual([]);
    expect(q.nextWakeAt()).toBe(5000);
    expect(items(q.startable(5000))).toEqual(['a1']);
  });

  it('gives a host the longer delay its robots.txt asks for, from its last request on', () => {
    const q = queue(100);
    q.enqueue('a', 0, 'a1');
    q.enqueue('a', 0, 'a2');
    q.enqueue('a', 0, 'a3');
    q.enqueue('b', 0, 'b1');
    q.enqueue('b', 0, 'b2');
    expect(items(q.startable(0))).toEqual(['a1', 'b1']);
    q.finish('a', 10);
    q.finish('b', 10);
    q.setHostDelay('a', 500);
    q.setHostDelay('b', 50); // shorter than ours: ours stands
    expect(items(q.startable(110))).toEqual(['b2']);
    expect(q.nextWakeAt()).toBe(510);
    expect(items(q.startable(510))).toEqual(['a2']);
    q.finish('a', 520);
    expect(q.startable(1019)).toEqual([]);
    expect(items(q.startable(1020))).toEqual(['a3']);
  });

  // Longest processing time first: [case, concurrency, planned requests per host, delays per host, first started].
  it.each([
    ['the biggest host first when slots are short', 1, { a: 2, b: 40, c: 5 }, {}, ['b']],
    ['the two biggest of three with two slots', 2, { a: 2, b: 40, c: 5 }, {}, ['b', 'c']],
    ['arrival order among hosts with equal work', 2, { a: 3, b: 3, c: 3 }, {}, ['a', 'b']],
    ['work in time: 10 requests 5 s apart outweigh 30 at 1 s', 1, { a: 30, b: 10 }, { b: 5000 }, ['b']],
    ['a planned host before an unplanned one with as much queued', 1, { a: 0, b: 2 }, {}, ['b']],
  ] as const)('starts %s', (_, concurrency, plan, delays, first) => {
    const q = queue(1000, concurrency);
    for (const [host, n] of Object.entries(plan)) {
      if (n > 0) q.plan(host, n);
      q.setHostDelay(host, (delays as Record<string, number>)[host] ?? 0);
      q.enqueue(host, 0, host);
    }
    expect(items(q.startable(0))).toEqual(first);
  });

  it.each([
    // [case, pages left, pages done, requests started, host overhead, requests left]
    ['nothing done yet: a request a page', 25, 0, 2, 2, 25],
    ['plain pages: a request each', 20, 5, 7, 2, 20],
    ['rendered pages: the document, a script and its data each', 16, 9, 29, 2, 48],
    ['some pages redirected once', 10, 10, 17, 2, 15],
    ['the probe still to come: never under a request a page', 10, 3, 2, 2, 10],
    ['done', 0, 25, 77, 2, 0],
  ])('plans what a host has left at what its pages cost so far: %s', (_, pagesLeft, pagesDone, started, overhead, left) => {
    expect(requestsLeft(pagesLeft, pagesDone, started, overhead)).toBe(left);
  });

  it('counts every request a host started, its plan aside', () => {
    const q = queue(100, 2);
    q.plan('a', 1);
    q.enqueue('a', 0, 'page');
    q.startable(0);
    q.finish('a', 5);
    q.enqueue('a', 0, 'its script'); // not planned: a render's own request
    q.startable(200);
    expect(q.startedCount('a')).toBe(2);
    expect(q.startedCount('b')).toBe(0);
  });

  it("gives a free slot to the host with the most work left before a smaller host's more important request, and counts work down as requests start", () => {
    const q = queue(100, 1);
    q.plan('big', 3);
    q.plan('small', 2);
    q.enqueue('big', 0, 'big1');
    q.enqueue('small', 5, 'urgent');
    expect(items(q.startable(0))).toEqual(['big1']); // big: 300 ms left, small: 200
    q.finish('big', 1);
    expect(items(q.startable(50))).toEqual(['urgent']); // big waits its delay; the slot is not kept idle
    q.finish('small', 60);
    q.enqueue('small', 0, 'small2');
    q.enqueue('big', 0, 'big2');
    expect(items(q.startable(200))).toEqual(['big2']); // big: 2 left, small: 1 (equal, small2 would go: it came first)
    q.finish('big', 210);
    q.enqueue('big', 0, 'big3');
    q.plan('small', 9); // replanned: small now has more left
    expect(items(q.startable(400))).toEqual(['small2']);
  });

  /**
   * A whole pass on a virtual clock, as crawlHost drives the gate: each host keeps two requests
   * queued (its two lanes) until its pages run out; each request takes `latency`.
   */
  function simulatePass(sizes: number[], concurrency: number, planned: boolean, delay = 100, latency = 10): number {
    const q = queue(delay, concurrency);
    const left = new Map(sizes.map((n, h) => [`h${h}`, n]));
    const ask = (host: string) => {
      const n = left.get(host)!;
      if (n > 0) left.set(host, n - 1), q.enqueue(host, 0, host);
    };
    for (const [host, n] of left) {
      if (planned) q.plan(host, n);
      ask(host), ask(host);
    }
    const ends: { at: number; host: string }[] = [];
    let now = 0;
    for (;;) {
      for (const w of q.startable(now)) ends.push({ at: now + latency, host: w.host });
      ends.sort((a, b) => a.at - b.at);
      const wake = q.nextWakeAt();
      const next = Math.min(ends[0]?.at ?? Infinity, wake !== null && wake > now ? wake : Infinity);
      if (next === Infinity) return now;
      now = next;
      while (ends[0]?.at === now) {
        const { host } = ends.shift()!;
        q.finish(host, now);
        ask(host);
      }
    }
  }

  it.each([
    // sizes (the big host last, so arrival order would start it last), slots
    [[...Array(30).fill(3), 20], 4],
    [[...Array(100).fill(2), 8, 50], 8],
    [[...Array(12).fill(5), 12], 3],
  ])('ends a pass when its biggest host ends (hosts %j, %i slots)', (sizes, slots) => {
    const biggest = Math.max(...sizes);
    const bound = biggest * 10 + (biggest - 1) * 100;
    expect(simulatePass(sizes, slots, true)).toBe(bound);
    expect(simulatePass(sizes, slots, false)).toBeGreaterThan(bound); // arrival order alone does not
  });

  it('drops a cancelled request', () => {
    const q = queue();
    q.enqueue('a', 0, 'a1');
    expect(q.cancel('a', 'a1')).toBe(true);
    expect(q.startable(0)).toEqual([]);
    expect(q.waitingCount).toBe(0);
  });
});

describe('outcome policy', () => {
  it.each([
    ['fetched', {}, { retryInPass: false, failure: false, backoff: false, soon: false }],
    ['not-modified', {}, { retryInPass: false, failure: false, backoff: false, soon: false }],
    ['http-error', { httpStatus: 404 }, { retryInPass: false, failure: true, backoff: false, soon: false }],
    ['http-error', { httpStatus: 410 }, { retryInPass: false, failure: true, backoff: false, soon: false }],
    ['http-error', { httpStatus: 429 }, { retryInPass: true, failure: true, backoff: true, soon: false }],
    ['http-error', { httpStatus: 503 }, { retryInPass: true, failure: true, backoff: true, soon: false }],
    ['network-error', { errorKind: 'timeout' }, { retryInPass: true, failure: true, backoff: true, soon: false }],
    ['network-error', { errorKind: 'dns' }, { retryInPass: false, failure: true, backoff: true, soon: false }],
    ['network-error', { errorKind: 'tls' }, { retryInPass: false, failure: true, backoff: true, soon: false }],
    ['robots-disallowed', {}, { retryInPass: false, failure: true, backoff: false, soon: false }],
    ['too-large', {}, { retryInPass: false, failure: true, backoff: false, soon: false }],
    ['refused-address', {}, { retryInPass: false, failure: true, backoff: false, soon: false }],
    ['not-rendered', {}, { retryInPass: false, failure: false, backoff: false, soon: true }],
  ] as const)('%s %o', (outcome, detail, policy) => {
    expect(outcomePolicy(outcome, detail)).toEqual(policy);
  });

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['999999', 3_600_000],
    ['Thu, 01 Jan 1970 00:01:00 GMT', 60_000],
    ['soon', null],
    [undefined, null],
  ])('Retry-After %s → %s ms (capped at one hour)', (value, ms) => {
    expect(parseRetryAfter(value, new Date(0), 3_600_000)).toBe(ms);
  });

  it.each([
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ message: 'Detected a session error, rotating session...\nconnect ECONNREFUSED 127.0.0.5:1' }, 'refused'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ message: 'socket hang up' }, 'reset'],
    [{ name: 'TimeoutError', message: 'Timeout awaiting socket for 700ms' }, 'timeout'],
    [{ message: 'request timed out after 21 seconds.' }, 'timeout'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'HPE_INVALID_CONSTANT' }, 'other'],
  ])('%o is a %s error', (err, kind) => {
    expect(classifyNetworkError(err)).toBe(kind);
  });
});

describe('robots.txt', () => {
  const ua = 'citewatch/0.1 (+https://example.org)';
  it('reads the product token', () => expect(robotsToken(ua)).toBe('citewatch'));
  it.each([
    ['User-agent: *\nDisallow: /private/', 'http://h/private/x', true, false],
    ['User-agent: *\nDisallow: /private/', 'http://h/public', true, true],
    ['User-agent: citewatch\nDisallow: /\n\nUser-agent: *\nAllow: /', 'http://h/a', true, false],
    ['User-agent: otherbot\nDisallow: /', 'http://h/a', true, true],
  ])('%j for %s', (text, url, _ok, allowed) => {
    expect(robotsAllows({ text }, url, ua)).toBe(allowed);
  });
  it.each([
    [{ outcome: 'fetched', httpStatus: 200, body: Buffer.from('Disallow: /') }, 'Disallow: /'],
    [{ outcome: 'http-error', httpStatus: 404, body: null }, ''],
    [{ outcome: 'http-error', httpStatus: 403, body: null }, ''],
    [{ outcome: 'http-error', httpStatus: 503, body: null }, null],
  ])('an answer %o means rules %j', (answer, text) => {
    expect(robotsFromAnswer(answer)).toEqual({ text });
  });
  it.each([
    ['User-agent: *\nCrawl-delay: 5', 5000],
    ['User-agent: *\nCrawl-delay: 0.5\nDisallow: /x', 500],
    ['User-agent: citewatch\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 30', 2000],
    ['User-agent: otherbot\nCrawl-delay: 9', null],
    ['User-agent: *\nCrawl-delay: 86400', 60_000],
    ['User-agent: *\nCrawl-delay: soon', null],
    ['', null],
  ])('%j asks a gap of %s ms (at most 60 s)', (text, ms) => {
    expect(robotsCrawlDelayMs({ text }, ua, 60_000)).toBe(ms);
  });
  it('allows all with no file and nothing when it could not be read', () => {
    expect(robotsAllows({ text: '' }, 'http://h/x', ua)).toBe(true);
    expect(robotsAllows({ text: null }, 'http://h/x', ua)).toBe(false);
  });
});

describe('capture records', () => {
  it('keeps selected headers only', () => {
    expect(selectHeaders({ 'content-type': 'text/html', 'set-cookie': 'x', etag: '"1"', date: 'now' })).toEqual({
      'content-type': 'text/html',
      etag: '"1"',
    });
  });
  it.each([
    ['http://h/politics/2024/story', 'http://h/politics/citewatch-probe-r1'],
    ['http://h/story', 'http://h/citewatch-probe-r1'],
    ['http://h/index.html', 'http://h/citewatch-probe-r1'],
    ['http://h/', 'http://h/citewatch-probe-r1'],
  ])('probes beside %s at %s', (url, probe) => {
    expect(probeUrl(url, 'r1')).toBe(probe);
  });
  it.each([
    [{ outcome: 'fetched', bodyHash: 'a' }, null, 'new-content'],
    [{ outcome: 'fetched', bodyHash: 'a' }, 'a', 'unchanged'],
    [{ outcome: 'fetched', bodyHash: 'b' }, 'a', 'changed-content'],
    [{ outcome: 'not-modified', bodyHash: null }, 'a', 'unchanged'],
    [{ outcome: 'http-error', bodyHash: 'x' }, 'a', 'error'],
  ] as const)('%o after %s is %s', (c, prev, cls) => {
    expect(classifyCapture(c, prev)).toBe(cls);
  });
});
