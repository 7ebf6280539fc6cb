import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleCrawl } from '../jobs/crawl.js';
import type { CrawlSummary } from '../src/crawl/crawlSources.js';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { addSources, countRows, crawlConfig, noDns } from './helpers/crawl.js';

describe(`scheduled crawl job (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({ hosts: { 'cron.example': { pages: { '/x': { kind: 'status', status: 200, body: 'plain page' } } } } });
    await addSources(database.db, [{ url: web.url('cron.example', '/x') }]);
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('rejects a bad cron expression by name', () => {
    expect(() => scheduleCrawl('every tuesday', { db: database.db, config: crawlConfig() })).toThrow(/"every tuesday" is not a cron expression/);
  });

  it('runs a pass on each tick; the next tick finds nothing due', async () => {
    const passes: CrawlSummary[] = [];
    const errors: unknown[] = [];
    let second!: () => void;
    const twoPasses = new Promise<void>((r) => (second = r));
    const schedule = scheduleCrawl('* * * * * *', {
      db: database.db,
      config: crawlConfig(),
      resolver: noDns,
      onPass: (s) => {
        passes.push(s);
        if (passes.length === 2) second();
      },
      onError: (err) => {
        errors.push(err);
        second();
      },
    });
    await twoPasses;
    await schedule.stop();
    expect(errors).toEqual([]);
    expect(passes.map((p) => p.checked)).toEqual([1, 0]);
    expect(await countRows(database.db, 'captures')).toBe(1);
  });
});
