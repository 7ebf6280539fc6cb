import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../src/db/open.js';
import { events, flagSources, flags } from '../src/db/schema/index.js';
import { ingestPaths } from '../src/ingest/index.js';
import { runPass } from '../src/watch/runPass.js';
import { crawlConfig, noDns } from './helpers/crawl.js';
import { startRoundStoryWeb, writeRoundStoryEvents } from './helpers/roundStory.js';

/** The embedded database on a thread of its own (crawls open it so), reached through a private socket. */
describe('the embedded database on a worker thread', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-thread-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('creates and migrates a new home, keeps what was written (a failed transaction rolled back), and removes its socket', async () => {
    const threaded = await openDatabase({ home }, { thread: true });
    expect(threaded.kind).toBe('pglite');
    await threaded.db.insert(events).values({
      id: 'on-thread',
      date: '2026-04-01',
      title: 'Written through the thread',
      importance: 5,
      sourcePath: 'e.yaml',
      contentHash: 'h',
    });
    // A transaction that fails leaves nothing behind, as on a server.
    await expect(
      threaded.db.transaction(async (tx) => {
        await tx
          .insert(events)
          .values({ id: 'rolled-back', date: '2026-04-01', title: 'Never kept', importance: 5, sourcePath: 'e.yaml', contentHash: 'h' });
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    await threaded.close();

    const plain = await openDatabase({ home });
    try {
      const rows = await queryRows<{ id: string }>(plain.db, sql`select id from events order by id`);
      expect(rows.map((r) => r.id)).toEqual(['on-thread']);
    } finally {
      await plain.close();
    }
    expect(existsSync(path.join(home, 'db.sock'))).toBe(false);
  });

  it('says which data directory it could not open', async () => {
    const file = path.join(home, 'not-a-folder');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'x'));
    await expect(openDatabase({ home: file }, { thread: true })).rejects.toThrow(/not-a-folder/);
  });

  it("stores and settles a crawl's batches on its thread: states, changes and flags as on this one", { timeout: 300_000 }, async () => {
    const web = await startRoundStoryWeb();
    const story = mkdtempSync(path.join(os.tmpdir(), 'citewatch-thread-story-'));
    const database = await openDatabase({ home: path.join(story, 'home') }, { thread: true });
    try {
      expect(database.storeAndSettle).toBeTypeOf('function');
      const config = crawlConfig({ connectTimeoutMs: 10_000, readTimeoutMs: 20_000, totalTimeoutMs: 30_000 });
      expect((await ingestPaths(database.db, writeRoundStoryEvents(story, web))).rejections).toEqual([]);
      const pass = () => runPass({ db: database.db, storeAndSettle: database.storeAndSettle, config, resolver: noDns }, { all: true });
      expect(await pass()).toMatchObject({ flagsOpened: 0, settleFailures: [] });
      web.setRound(1);
      // The tallies come back from the thread: the round's two changed stories open two flags.
      expect(await pass()).toMatchObject({ flagsOpened: 2, settleFailures: [] });
      const open = await database.db
        .select({ eventId: flags.eventId, state: flagSources.state })
        .from(flagSources)
        .innerJoin(flags, eq(flags.id, flagSources.flagId));
      expect(open.map((f) => `${f.eventId}:${f.state}`).sort()).toEqual(['loan:changed', 'shells:changed']);
    } finally {
      await database.close();
      await web.close();
      rmSync(story, { recursive: true, force: true });
    }
  });
});
