import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSources } from '../src/crawl/crawlSources.js';
import { resolveTarget, type Resolver } from '../src/crawl/resolveTarget.js';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { addSources, capturesOf, crawlConfig } from './helpers/crawl.js';

/** Fake DNS: names in .test only; nothing here ever reaches a real resolver or a public address. */
const fakeDns: Resolver = async (name) => {
  const table: Record<string, string[]> = {
    'intranet.test': ['10.0.0.5'],
    'metadata.test': ['169.254.169.254'],
    'mixed.test': ['203.0.113.9', '192.168.0.7'],
    'public.test': ['203.0.113.9'],
  };
  if (!table[name]) throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return table[name];
};

describe(`network safety (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({ hosts: { 'local.example': { pages: { '/a': { kind: 'status', status: 200, body: 'hello' } } } } });
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('refuses loopback, private and metadata addresses unless allowed, before connecting', async () => {
    const config = crawlConfig({ allowPrivateNetwork: false });
    const urls = [
      web.url('local.example', '/a'),
      'http://intranet.test/x',
      'http://metadata.test/latest',
      'http://mixed.test/',
      'http://2130706433/',
      'http://nowhere.test/',
    ];
    const ids = await addSources(
      database.db,
      urls.map((url) => ({ url })),
    );
    const summary = await crawlSources({ db: database.db, config, resolver: fakeDns }, {});
    expect(summary.checked).toBe(urls.length);
    const outcome = async (url: string) => {
      const [c] = await capturesOf(database.db, ids.get(url)!);
      return [c.outcome, c.errorKind];
    };
    expect(await outcome(web.url('local.example', '/a'))).toEqual(['refused-address', 'loopback']);
    expect(await outcome('http://intranet.test/x')).toEqual(['refused-address', 'private']);
    expect(await outcome('http://metadata.test/latest')).toEqual(['refused-address', 'metadata']);
    expect(await outcome('http://mixed.test/')).toEqual(['refused-address', 'private']);
    expect(await outcome('http://2130706433/')).toEqual(['refused-address', 'loopback']);
    expect(await outcome('http://nowhere.test/')).toEqual(['network-error', 'dns']);
    expect(web.log).toHaveLength(0);
  });

  it('connects to a checked address only', async () => {
    expect(await resolveTarget(new URL('http://public.test/'), fakeDns, false)).toMatchObject({ ok: true, address: '203.0.113.9' });
    expect(await resolveTarget(new URL('ftp://public.test/'), fakeDns, false)).toMatchObject({ ok: false, reason: 'scheme' });
    expect(await resolveTarget(new URL('http://[::1]:8080/'), fakeDns, false)).toMatchObject({
      ok: false,
      reason: 'refused-address',
      cls: 'loopback',
    });
  });
});
