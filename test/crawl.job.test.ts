import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlJob } from '../jobs/crawl.js';
import type { CrawlSummary } from '../src/crawl/crawlSources.js';
import { scheduleJob } from '../src/watch/scheduler.js';
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
    expect(() => scheduleJob(crawlJob, 'every tuesday', { db: database.db, config: crawlConfig() })).toThrow(
      /crawl schedule "every tuesday" is not a cron expression/,
    );
  });

  it('runs a pass on each tick; the next tick finds nothing due', async () => {
    const passes: CrawlSummary[] = [];
    const errors: unknown[] = [];
    let second!: () => void;
    const twoPasses = new Promise<void>((r) => (second = r));
    const schedule = scheduleJob(
      crawlJob,
      '* * * * * *',
      { db: database.db, config: crawlConfig(), resolver: noDns },
      {
        onDone: (s) => {
          passes.push(s);
          if (passes.length === 2) second();
        },
        onError: (err) => {
          errors.push(err);
          second();
        },
      },
    );
    await twoPasses;
    await schedule.stop();
    expect(errors).toEqual([]);
    expect(passes.map((p) => p.checked)).toEqual([1, 0]);
    expect(await countRows(database.db, 'captures')).toBe(1);
  });
});

describe('the scheduler', () => {
  it('skips a tick that comes while the previous run is still going, and says so', async () => {
    let release!: () => void;
    const running = new Promise<void>((r) => (release = r));
    let runs = 0;
    let skipped!: () => void;
    const skip = new Promise<void>((r) => (skipped = r));
    const slow = { name: 'slow', description: 'waits to be released', run: async () => void (runs++, await running) };
    const schedule = scheduleJob(slow, '* * * * * *', {}, { onSkip: () => skipped() });
    await skip;
    expect(runs).toBe(1);
    release();
    await schedule.stop();
  });
});
