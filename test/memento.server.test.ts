import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/server/createApp.js';
import { buildArchive, type ArchiveFixture } from './helpers/archiveWeb.js';
import { testDatabaseKind } from './helpers/db.js';

const BASE = 'https://cw.example';

/** Splits a Link header into its link-values (a URI never holds "<" unescaped). */
const links = (header: string | string[] | number | undefined) =>
  String(header)
    .split(/, (?=<)/)
    .map((v) => {
      const [, uri, params] = /^<([^>]*)>(.*)$/.exec(v) ?? [];
      return { uri, ...Object.fromEntries([...params.matchAll(/; (\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])) } as Record<string, string>;
    });

/**
 * citewatch as a Memento archive on captures made by real passes: the gone page was fetched twice
 * (1 and 2 January 2025, 10:00 UTC) and then answered 404 (3 and 4 January), which are no mementos.
 */
describe(`Memento (RFC 7089) (${testDatabaseKind})`, () => {
  let archive: ArchiveFixture;
  let app: FastifyInstance;
  let url: string;
  const uriM = (ts: string) => `${BASE}/memento/${ts}/${url}`;

  beforeAll(async () => {
    archive = await buildArchive();
    url = archive.urls.gone;
    app = await createApp({ db: archive.database.db, config: { ...archive.config, readAccess: 'open', publicBaseUrl: BASE } });
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await archive?.close();
  });

  it('negotiates at the TimeGate: 302 to the closest memento, Vary, and the Link of §4.2.1 with the neighbours', async () => {
    const res = await app.inject({ url: `/memento/timegate/${url}`, headers: { 'accept-datetime': 'Thu, 02 Jan 2025 09:00:00 GMT' } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.vary).toBe('accept-datetime');
    expect(res.headers.location).toBe(uriM('20250102100000'));
    expect(res.headers['memento-datetime']).toBeUndefined();
    expect(links(res.headers.link)).toEqual([
      { uri: url, rel: 'original' },
      {
        uri: `${BASE}/memento/timemap/link/${url}`,
        rel: 'timemap',
        type: 'application/link-format',
        from: 'Wed, 01 Jan 2025 10:00:00 GMT',
        until: 'Thu, 02 Jan 2025 10:00:00 GMT',
      },
      { uri: uriM('20250101100000'), rel: 'first prev memento', datetime: 'Wed, 01 Jan 2025 10:00:00 GMT' },
      { uri: uriM('20250102100000'), rel: 'last memento', datetime: 'Thu, 02 Jan 2025 10:00:00 GMT' },
    ]);
  });

  it('sends a TimeGate without Accept-Datetime to the most recent memento, and refuses a bad one with 400', async () => {
    const latest = await app.inject({ url: `/memento/timegate/${url}` });
    expect([latest.statusCode, latest.headers.location]).toEqual([302, uriM('20250102100000')]);
    const early = await app.inject({ url: `/memento/timegate/${url}`, headers: { 'accept-datetime': 'Sat, 01 Jan 2000 00:00:00 GMT' } });
    expect(early.headers.location).toBe(uriM('20250101100000'));
    const bad = await app.inject({ url: `/memento/timegate/${url}`, headers: { 'accept-datetime': '2025-01-02' } });
    expect([bad.statusCode, bad.headers.vary, bad.json().error]).toEqual([400, 'accept-datetime', expect.stringContaining('RFC 1123')]);
  });

  it('finds a URL by any spelling the timeline used, encoded or not', async () => {
    for (const spelling of [`${url}?utm_source=feed`, encodeURIComponent(url), url.replace('http://', 'http:/')]) {
      const res = await app.inject({ url: `/memento/timegate/${spelling}` });
      expect([spelling, res.statusCode, res.headers.location]).toEqual([spelling, 302, uriM('20250102100000')]);
    }
    const unknown = await app.inject({ url: '/memento/timegate/https://nowhere.example/' });
    expect(unknown.statusCode).toBe(404);
  });

  it('serves a TimeMap in link-format: original, self with from/until, timegate, every capture that got content', async () => {
    const res = await app.inject({ url: `/memento/timemap/link/${url}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/link-format');
    expect(res.body).toBe(
      [
        `<${url}>; rel="original"`,
        `<${BASE}/memento/timemap/link/${url}>; rel="self"; type="application/link-format"; from="Wed, 01 Jan 2025 10:00:00 GMT"; until="Thu, 02 Jan 2025 10:00:00 GMT"`,
        `<${BASE}/memento/timegate/${url}>; rel="timegate"`,
        `<${uriM('20250101100000')}>; rel="first memento"; datetime="Wed, 01 Jan 2025 10:00:00 GMT"`,
        `<${uriM('20250102100000')}>; rel="last memento"; datetime="Thu, 02 Jan 2025 10:00:00 GMT"`,
      ].join(',\n') + '\n',
    );
    const json = (await app.inject({ url: `/memento/timemap/json/${url}` })).json();
    expect(json.mementos.list.map((m: { uri: string }) => m.uri)).toEqual([uriM('20250101100000'), uriM('20250102100000')]);
  });

  it('serves a memento with Memento-Datetime and Link, sandboxed; another time is sent on to the exact one', async () => {
    const res = await app.inject({ url: `/memento/20250101100000/${url}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['memento-datetime']).toBe('Wed, 01 Jan 2025 10:00:00 GMT');
    expect(links(res.headers.link).map((l) => l.rel)).toEqual(['original', 'timemap', 'timegate', 'first memento', 'last next memento']);
    expect(res.headers['content-security-policy']).toMatch(/^sandbox allow-top-navigation-by-user-activation; default-src 'none'/);
    expect(res.headers.vary).toBeUndefined();
    expect(res.body).toContain('Minister resigns');
    const near = await app.inject({ url: `/memento/20250102/${url}` });
    expect([near.statusCode, near.headers.location]).toEqual([302, uriM('20250102100000')]);
    const head = await app.inject({ method: 'HEAD', url: `/memento/20250102100000/${url}` });
    expect([head.statusCode, head.headers['memento-datetime']]).toEqual([200, 'Thu, 02 Jan 2025 10:00:00 GMT']);
  });
});
