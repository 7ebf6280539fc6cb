import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { buildLabelledWeb, LABELS, type LabelledCase } from '../src/simweb/labelled.js';

function status(url: string): Promise<{ status: number; location?: string; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.setTimeout(300, () => req.destroy(Object.assign(new Error('timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

const built = buildLabelledWeb({ perLabel: 2, seed: 11 });
let web: SimWeb;
beforeAll(async () => {
  web = await startSimWeb(built.spec);
});
afterAll(async () => {
  await web.close();
});

describe('labelled web', () => {
  it('has every label perLabel times, with an expected state, across every template', () => {
    for (const label of LABELS) expect(built.cases.filter((c) => c.label === label)).toHaveLength(2);
    expect(new Set(built.cases.map((c) => c.template)).size).toBe(7);
    expect(new Set(built.cases.map((c) => `${c.host}${c.path}`)).size).toBe(built.cases.length);
    for (const c of built.cases) expect(['ok', 'changed', 'vanished', 'unreachable', 'blocked']).toContain(c.expected.state);
    const parked = built.cases.filter((c) => c.label === 'parked-domain');
    for (const c of parked) expect(built.cases.filter((o) => o.host === c.host)).toHaveLength(1);
  });

  it('is the same web for the same seed and a different one for another seed', () => {
    const again = buildLabelledWeb({ perLabel: 2, seed: 11 });
    const other = buildLabelledWeb({ perLabel: 2, seed: 12 });
    expect(JSON.stringify(again.spec)).toBe(JSON.stringify(built.spec));
    expect(JSON.stringify(other.spec)).not.toBe(JSON.stringify(built.spec));
  });

  it('answers every case in round 0, and in round 1 as its label says (first request, then recovery)', async () => {
    web.setRound(0);
    for (const c of built.cases) expect(await status(c.url)).toMatchObject({ status: 200 });
    web.setRound(1);
    const first = new Map<LabelledCase, Awaited<ReturnType<typeof status>>>();
    for (const c of built.cases) first.set(c, await status(c.url));
    const pick = (label: string) => built.cases.filter((c) => c.label === label).map((c) => first.get(c)!);
    for (const r of pick('gone-404')) expect(r).toMatchObject({ status: 404 });
    for (const r of pick('gone-410')) expect(r).toMatchObject({ status: 410 });
    for (const r of pick('soft-404')) expect(r).toMatchObject({ status: 200, body: expect.stringContaining('Page not found') });
    for (const r of pick('parked-domain')) expect(r).toMatchObject({ status: 200, body: expect.stringContaining('for sale') });
    for (const r of pick('redirect-root')) expect((r as { location: string }).location).toMatch(/^http:\/\/127\.[\d.]+:\d+\/$/);
    // Section redirects: over HTTP (301/302), or in the page for the script-built site; every one to a listing.
    for (const c of built.cases.filter((x) => x.label === 'redirect-section')) {
      const r = first.get(c) as { status: number; location?: string; body: string };
      const to = c.template === 'script' ? /location\.replace\("([^"]+)"\)/.exec(r.body)?.[1] : r.location;
      expect(c.template === 'script' ? [200] : [301, 302]).toContain(r.status);
      expect(to).toMatch(/^http:\/\/127\.[\d.]+:\d+\/(news\/|(section\/)?[a-z]+\/|topics\/[a-z-]+)$/);
      expect(await status(to!)).toMatchObject({ status: 200, body: expect.stringContaining('class="river"') });
    }
    // Failed renders: HTTP clients read the page; a browser meets a script that never comes, or is sent to about:blank.
    const ways = new Set<string>();
    for (const c of built.cases.filter((x) => x.label === 'render-fails')) {
      const r = first.get(c) as { status: number; body: string };
      expect(r.status).toBe(200);
      const stall = /<script src="(http:[^"]+\/static\/js\/vendor\.js)"/.exec(r.body)?.[1];
      if (stall) expect(await status(stall)).toEqual({ error: 'CLIENT_TIMEOUT' });
      else expect(r.body).toContain("location.replace('about:blank')");
      ways.add(stall ? 'stall' : 'blank');
    }
    expect(ways).toEqual(new Set(['stall', 'blank']));
    for (const r of pick('transient-503')) expect(r).toMatchObject({ status: 503 });
    for (const r of pick('transient-429')) expect(r).toMatchObject({ status: 429 });
    // A hang: the client gives up (300 ms here), or a gateway does first and answers 504.
    for (const r of pick('transient-hang')) expect(r).toEqual({ error: 'CLIENT_TIMEOUT' });
    for (const r of pick('transient-reset')) expect(r).toEqual({ error: 'ECONNRESET' });
    for (const r of pick('blocked-403')) expect(r).toMatchObject({ status: 403 });
    for (const r of pick('bot-challenge')) expect((r as { body: string }).body).toContain('Just a moment...');
    for (const r of pick('paywall')) expect((r as { body: string }).body).toContain('Subscribe to continue reading');
    for (const c of built.cases.filter((c) => c.label.startsWith('transient-'))) expect(await status(c.url)).toMatchObject({ status: 200 });
    // Soft-404 hosts answer random paths the same way.
    const soft = built.cases.find((c) => c.label === 'soft-404')!;
    expect(await status(web.url(soft.host, '/definitely/not/here-123'))).toMatchObject({
      status: 200,
      body: expect.stringContaining('Page not found'),
    });
    web.setRound(0);
  });

  it('changes exactly one figure for edit-number', async () => {
    const c =
      built.cases.find((x) => x.label === 'edit-number' && x.template === 'news') ?? built.cases.find((x) => x.label === 'edit-number')!;
    const page = built.spec.hosts[c.host].pages[c.path] as { rounds: { article: { paragraphs: string[] } }[] };
    const [a, b] = page.rounds.map((r) => r.article.paragraphs);
    const differing = a.filter((p, i) => p !== b[i]);
    expect(differing).toHaveLength(1);
    const numbers = (s: string) => s.match(/\$[\d,]+/g);
    expect(numbers(differing[0])).not.toEqual(numbers(b[a.indexOf(differing[0])]));
  });
});
