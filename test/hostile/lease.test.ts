import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { crawlSources } from '../../src/crawl/crawlSources.js';
import { holdLiveness } from '../../src/crawl/selectSources.js';
import { openPostgres, queryRows } from '../../src/db/open.js';
import { hosts } from '../../src/db/schema/index.js';
import { startSimWeb, type SimWeb } from '../../src/simweb/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';
import { addSources, crawlConfig, noDns } from '../helpers/crawl.js';

const page = {
  kind: 'article' as const,
  template: 'wire' as const,
  article: {
    headline: 'Audit ordered',
    byline: 'Lin',
    published: '2024-02-02',
    paragraphs: ['The ministry ordered an audit of the contracts on Friday, and said it would report within weeks.'],
  },
};

/**
 * A host lease is proof that its owner is at work on the host only while the owner is alive: the
 * lease of a worker that is gone (kill -9, double Ctrl-C, a dropped connection) is taken over by the
 * next pass at once, not when it expires minutes later; a live worker's lease still keeps others out.
 */
describe(`host leases of gone workers (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let host: string;
  const config = crawlConfig({ hostDelayMs: 20 });
  const crawl = (workerId: string) => crawlSources({ db: database.db, config, resolver: noDns, workerId }, { all: true });
  const leaseTo = (owner: string) =>
    database.db
      .insert(hosts)
      .values({ host, leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + 300_000) })
      .onConflictDoUpdate({
        target: hosts.host,
        set: { leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + 300_000) },
      });

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({ hosts: { 'a.example': { pages: { '/one': page } } } });
    host = new URL(web.url('a.example')).host;
    await addSources(database.db, [{ url: web.url('a.example', '/one') }]);
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });
  it('takes over at once the unexpired lease of a worker that holds no liveness lock', async () => {
    await leaseTo('killed-host:4242');
    const summary = await crawl('next-host:1');
    expect(summary).toMatchObject({ checked: 1, hostsSkipped: 0 });
    const [row] = await queryRows<{ owner: string | null }>(database.db, sql`select lease_owner as owner from hosts where host = ${host}`);
    expect(row.owner).toBeNull(); // and gives it back when done
  });

  it('keeps out of a host whose lease holder is alive, until that worker is gone', async () => {
    const drop = await holdLiveness(database.db, 'live-host:7');
    await leaseTo('live-host:7');
    try {
      expect(await crawl('next-host:1')).toMatchObject({ checked: 0, hostsSkipped: 1 });
    } finally {
      await drop();
    }
    expect(await crawl('next-host:1')).toMatchObject({ checked: 1, hostsSkipped: 0 });
  });

  it('a worker whose database session ends loses its leases at once (on PostgreSQL: within a second of its backend dying)', async () => {
    if (testDatabaseKind === 'pglite') {
      // The embedded database has one session, the process's own: the owner's end is its lock's release.
      const drop = await holdLiveness(database.db, 'gone-host:3');
      await leaseTo('gone-host:3');
      expect(await crawl('next-host:1')).toMatchObject({ checked: 0, hostsSkipped: 1 });
      await drop();
      expect(await crawl('next-host:1')).toMatchObject({ checked: 1, hostsSkipped: 0 });
      return;
    }
    // On PostgreSQL, another process's pool, as a worker on another machine would have: its backend is then killed.
    const other = await openPostgres(database.url!);
    try {
      await holdLiveness(other.db, 'far-host:9');
      await leaseTo('far-host:9');
      expect(await crawl('next-host:1')).toMatchObject({ checked: 0, hostsSkipped: 1 });
      const killed = await queryRows<{ ok: boolean }>(
        database.db,
        sql`select pg_terminate_backend(pid) as ok from pg_locks where locktype = 'advisory' and objid = hashtext('far-host:9')::oid and granted`,
      );
      expect(killed).toEqual([{ ok: true }]);
      const started = Date.now();
      let summary = await crawl('next-host:1');
      while (summary.hostsSkipped > 0 && Date.now() - started < 1000) summary = await crawl('next-host:1');
      expect(summary).toMatchObject({ checked: 1, hostsSkipped: 0 });
    } finally {
      await other.close().catch(() => {});
    }
  });
});
