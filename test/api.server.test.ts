import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/server/createApp.js';
import { buildArchive, captureTime, PASSES, type ArchiveFixture } from './helpers/archiveWeb.js';
import { testDatabaseKind } from './helpers/db.js';

type OpenApi = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema: object }[];
        responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
      }
    >
  >;
};

const ROUTES = [
  '/api/events',
  '/api/sources',
  '/api/sources/{id}',
  '/api/captures',
  '/api/captures/{id}',
  '/api/captures/{id}/text',
  '/api/captures/{id}/raw',
  '/api/changes',
  '/api/flags',
];

/** The read-only API on an archive made by real passes: answers, paging, errors, and the OpenAPI document they must match. */
describe(`the HTTP API (${testDatabaseKind})`, () => {
  let archive: ArchiveFixture;
  let app: FastifyInstance;
  let doc: OpenApi;
  // OpenAPI 3.0 schemas (with `nullable`); the formats the API uses: its times are ISO 8601 in UTC.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  ajv.addFormat('binary', true);
  const get = (url: string) => app.inject({ method: 'GET', url });
  const json = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  };
  /** Checks an answer against the schema the OpenAPI document gives for its route, status and type. */
  const conforms = (route: string, res: LightMyRequestResponse) => {
    const responses = doc.paths[route].get.responses[String(res.statusCode)];
    expect(responses, `${route} documents status ${res.statusCode}`).toBeDefined();
    const [type, { schema }] = Object.entries(responses.content ?? {})[0];
    expect(String(res.headers['content-type'])).toContain(type === 'application/octet-stream' ? '' : type);
    if (type !== 'application/json') return;
    const validate = ajv.compile(schema);
    expect(validate(res.json()), `${route}: ${JSON.stringify(validate.errors)}`).toBe(true);
  };

  beforeAll(async () => {
    archive = await buildArchive();
    app = await createApp({ db: archive.database.db, config: { ...archive.config, readAccess: 'open' } });
    doc = (await get('/api/openapi.json')).json();
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await archive?.close();
  });

  it('serves an OpenAPI 3 document listing every route, with a valid schema for every answer', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d$/);
    expect(doc.info.title).toBe('citewatch API');
    expect(Object.keys(doc.paths).sort()).toEqual([...ROUTES].sort());
    for (const [route, item] of Object.entries(doc.paths)) {
      expect(Object.keys(item), route).toEqual(['get']);
      for (const p of item.get.parameters ?? []) {
        expect(['query', 'path'], `${route} ${p.name}`).toContain(p.in);
        expect(ajv.validateSchema(p.schema), `${route} ${p.name}`).toBe(true);
      }
      expect(Object.keys(item.get.responses)).toContain('200');
      for (const [status, response] of Object.entries(item.get.responses)) {
        expect(status).toMatch(/^[1-5]\d\d$/);
        expect(typeof response.description).toBe('string');
        for (const { schema } of Object.values(response.content ?? {}))
          expect(() => ajv.compile(schema), `${route} ${status}`).not.toThrow();
      }
    }
  });

  it('pages events by cursor: every event once, `next` null on the last page', async () => {
    const seen: string[] = [];
    let url: string | null = '/api/events?limit=1';
    while (url) {
      const res = await get(url);
      conforms('/api/events', res);
      const page = res.json() as { items: { id: string }[]; next: string | null };
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((e) => e.id));
      url = page.next;
    }
    expect(seen).toEqual(['2024-05-01--audit', '2024-06-01--hostile']);
  });

  it('gives a vanished source its last good capture and the timeline’s archive URL, for re-pointing the citation', async () => {
    const res = await get('/api/sources?state=vanished');
    conforms('/api/sources', res);
    const [gone] = res.json().items;
    expect(gone.url).toBe(archive.urls.gone);
    expect(gone.lastGoodCapture).toEqual({
      id: expect.any(Number),
      time: captureTime(1).toISOString(),
      link: `/replay/20250102100000/${archive.urls.gone}`,
    });
    expect(gone.citations).toEqual([
      { eventId: '2024-05-01--audit', originalUrl: archive.urls.gone, archiveUrl: `https://web.archive.org/web/2024/${archive.urls.gone}` },
    ]);
    const one = await get(`/api/sources/${gone.id}`);
    conforms('/api/sources/{id}', one);
    expect(one.json()).toEqual(gone);
    const { items } = await json('/api/sources?limit=200');
    expect(items.map((s: { state: string }) => s.state).sort()).toEqual(['changed', 'ok', 'ok', 'vanished']);
  });

  it('lists captures of a source by any spelling, filtered as the CLI filters them', async () => {
    const res = await get(`/api/captures?url=${encodeURIComponent(`${archive.urls.audit}?utm_source=newsletter`)}`);
    conforms('/api/captures', res);
    const all = res.json().items as { id: number; at: string; contentChanged: boolean | null }[];
    expect(all.map((c) => c.at)).toEqual([3, 2, 1, 0].map((n) => captureTime(n).toISOString()));
    expect(all[1].contentChanged).toBe(true);
    const q = (extra: string) => json(`/api/captures?url=${encodeURIComponent(archive.urls.audit)}&${extra}`);
    expect((await q('at=2025-01-02T13:00Z')).items.map((c: { id: number }) => c.id)).toEqual([all[2].id]);
    expect((await q('from=20250103&to=2025-01-03T23:59Z')).items.map((c: { id: number }) => c.id)).toEqual([all[1].id]);
    const first = await q('limit=3');
    expect(first.items).toHaveLength(3);
    expect((await json(first.next)).items.map((c: { id: number }) => c.id)).toEqual([all[3].id]);
  });

  it('gives one capture’s metadata, its text, and its bytes as a download of their own type', async () => {
    const [newest] = (await json(`/api/captures?url=${encodeURIComponent(archive.urls.audit)}`)).items;
    const meta = await get(`/api/captures/${newest.id}`);
    conforms('/api/captures/{id}', meta);
    const detail = meta.json();
    expect(detail).toMatchObject({
      id: newest.id,
      requestedUrl: archive.urls.audit,
      outcome: newest.outcome,
      contentType: expect.stringMatching(/^text\/html/),
    });
    expect(detail.links.replay).toBe(`/replay/20250104100000/${archive.urls.audit}`);
    const byId = await get(`/captures/${newest.id}`);
    expect([byId.statusCode, byId.headers.location]).toEqual([302, detail.links.replay]);
    const text = await get(detail.links.text);
    conforms('/api/captures/{id}/text', text);
    expect(text.body).toContain('$9 million');
    const [, , , oldest] = (await json(`/api/captures?url=${encodeURIComponent(archive.urls.audit)}`)).items;
    const oldestDetail = await json(`/api/captures/${oldest.id}`);
    expect(oldestDetail.responseHeaders).toContainEqual([expect.stringMatching(/^content-type$/i), expect.stringMatching(/^text\/html/)]);
    const raw = await get(`/api/captures/${oldest.id}/raw`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^text\/html/);
    expect(raw.headers['content-disposition']).toBe(`attachment; filename="capture-${oldest.id}.html"`);
    expect(raw.headers['x-content-type-options']).toBe('nosniff');
    expect(raw.headers['content-security-policy']).toMatch(/^sandbox/);
    expect(createHash('sha256').update(raw.rawPayload).digest('hex')).toBe(oldest.bodyHash);
  });

  it('lists changes (of one source) and flags, newest first, by cursor', async () => {
    const changes = await get(`/api/changes?url=${encodeURIComponent(archive.urls.audit)}`);
    conforms('/api/changes', changes);
    expect(changes.json().items.map((c: { classification: string }) => c.classification)).toContain('material');
    expect(changes.json().items.some((c: { added: string[] }) => c.added.join(' ').includes('$9 million'))).toBe(true);
    const flags = await get('/api/flags?status=open');
    conforms('/api/flags', flags);
    const [flag] = flags.json().items;
    expect(flag.eventId).toBe('2024-05-01--audit');
    expect(flag.sources.map((s: { url: string }) => s.url).sort()).toEqual([archive.urls.audit, archive.urls.gone].sort());
    expect((await json('/api/flags?status=resolved')).items).toEqual([]);
  });

  it('answers a bad request or an unknown thing with a JSON error the document describes', async () => {
    const cases: [string, string, number, RegExp][] = [
      ['/api/captures', `/api/captures?url=${encodeURIComponent(archive.urls.audit)}&at=last%20tuesday`, 400, /at must be a time/],
      [
        '/api/captures',
        '/api/captures?url=https%3A%2F%2Fnowhere.example%2F',
        404,
        /no cited source has the URL https:\/\/nowhere\.example\//,
      ],
      ['/api/captures', '/api/captures', 400, /url/],
      ['/api/events', '/api/events?cursor=not-a-cursor', 400, /cursor/],
      ['/api/events', '/api/events?limit=0', 400, /limit/],
      ['/api/sources', '/api/sources?state=sleeping', 400, /state/],
      ['/api/captures/{id}', '/api/captures/999999', 404, /no capture has the id 999999/],
      ['/api/sources/{id}', '/api/sources/abc', 400, /id/],
    ];
    for (const [route, url, status, message] of cases) {
      const res = await get(url);
      expect([url, res.statusCode, res.json().error]).toEqual([url, status, expect.stringMatching(message)]);
      conforms(route, res);
    }
  });

  it('caps a page at 200 items however many are asked for', async () => {
    const res = await get(`/api/captures?url=${encodeURIComponent(archive.urls.audit)}&limit=100000`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(PASSES);
  });
});
