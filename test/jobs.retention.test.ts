import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionJob } from '../jobs/retention.js';
import { applyRetention } from '../src/archive/retention.js';
import { saveScreenshot, screenshotPath } from '../src/archive/screenshots.js';
import { planRetention, type RetainedCapture } from '../src/archive/retentionPlan.js';
import { defaultConfig } from '../src/config/loadConfig.js';
import { captures, changes, flagSources, flags, jobRuns, reviews, snapshots, sources, sourceStates } from '../src/db/schema/index.js';
import { createLogger } from '../src/watch/logger.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import type { Db } from '../src/db/open.js';
import { addCapture, articleHtml, seedEvent, seedSource } from './helpers/sourceHistory.js';

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 5, 1));
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

/** c(id, daysOld, flags): one capture of source 1 unless given. */
function c(id: number, age: number, extra: Partial<RetainedCapture> = {}): RetainedCapture {
  return { id, sourceId: 1, startedAt: daysAgo(age), hasSnapshot: true, referenced: false, ...extra };
}

describe('the retention planner', () => {
  const cases: { name: string; captures: RetainedCapture[]; keepDays: number; keepPerSource: number; doomed: number[] }[] = [
    { name: 'keepDays 0 keeps everything', captures: [c(1, 900), c(2, 800)], keepDays: 0, keepPerSource: 1, doomed: [] },
    {
      name: 'old captures beyond the newest N go',
      captures: [c(1, 400), c(2, 300), c(3, 200), c(4, 1)],
      keepDays: 30,
      keepPerSource: 2,
      doomed: [1, 2],
    },
    { name: 'young captures stay whatever N is', captures: [c(1, 10), c(2, 5), c(3, 1)], keepDays: 30, keepPerSource: 1, doomed: [] },
    { name: 'never the last capture of a source, however old', captures: [c(1, 900)], keepDays: 30, keepPerSource: 1, doomed: [] },
    {
      name: 'the newest capture with a body stays behind newer failures',
      captures: [c(1, 500), c(2, 400), c(3, 300, { hasSnapshot: false }), c(4, 200, { hasSnapshot: false })],
      keepDays: 30,
      keepPerSource: 1,
      doomed: [1, 3],
    },
    {
      name: 'a referenced capture stays',
      captures: [c(1, 500, { referenced: true }), c(2, 400), c(3, 1)],
      keepDays: 30,
      keepPerSource: 1,
      doomed: [2],
    },
    {
      name: 'sources are counted apart',
      captures: [c(1, 500), c(2, 400), c(3, 500, { sourceId: 2 }), c(4, 400, { sourceId: 2 })],
      keepDays: 30,
      keepPerSource: 1,
      doomed: [1, 3],
    },
    {
      name: 'same start time: the higher id is the newer',
      captures: [c(5, 400), c(6, 400)],
      keepDays: 30,
      keepPerSource: 1,
      doomed: [5],
    },
    { name: 'keepPerSource below 1 still keeps one', captures: [c(1, 500), c(2, 400)], keepDays: 30, keepPerSource: 0, doomed: [1] },
  ];
  it.each(cases)('$name', ({ captures, keepDays, keepPerSource, doomed }) => {
    expect(planRetention(captures, { keepDays, keepPerSource }, NOW)).toEqual(doomed);
  });
});

describe(`retention on the archive (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database?.close());

  it('prunes old captures and their orphaned snapshots, and keeps everything something refers to', async () => {
    const { db } = database;
    await seedEvent(db, { id: 'e', title: 'An event' });
    const source = await seedSource(db, 'https://example.org/edited', ['e']);
    const other = await seedSource(db, 'https://example.org/once', ['e']);
    // 30 captures long ago, each with a body of its own; and a source captured once, long ago.
    const ids: number[] = [];
    for (let n = 0; n < 30; n++) {
      ids.push(
        await addCapture(db, source, { at: daysAgo(400 - n), html: articleHtml('Page', [`Wording number ${n} of an edited page.`]) }),
      );
    }
    const lonely = await addCapture(db, other, { at: daysAgo(900), html: articleHtml('Once', ['Captured once.']) });
    const snapshotOf = async (id: number) => (await db.select().from(captures).where(eq(captures.id, id)))[0].snapshotId!;
    // What refers to captures 2..5, and a change between the bodies of captures 6 and 7.
    const [flag] = await db.insert(flags).values({ eventId: 'e' }).returning();
    await db.insert(reviews).values({ flagId: flag.id, action: 'reverify', reviewer: 't', captureIds: [ids[2]] });
    await db.insert(sourceStates).values({ sourceId: source.id, state: 'ok', captureId: ids[3] });
    await db.insert(flagSources).values({ flagId: flag.id, sourceId: source.id, state: 'changed', sinceCaptureId: ids[4] });
    await db.update(sources).set({ verifiedCaptureId: ids[5] }).where(eq(sources.id, source.id));
    await db.insert(changes).values({
      fromSnapshotId: await snapshotOf(ids[6]),
      toSnapshotId: await snapshotOf(ids[7]),
      classification: 'material',
      significance: 1,
      diffVersion: 1,
    });
    const doomedSnapshots = await Promise.all([0, 1, 8, 9].map((n) => snapshotOf(ids[n])));
    // Screenshots: one shown only by a doomed capture, one shown by a doomed and a kept capture.
    const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-retention-'));
    const [onlyDoomed, shared] = [await saveScreenshot(home, Buffer.from('png one')), await saveScreenshot(home, Buffer.from('png two'))];
    await db.update(captures).set({ screenshotHash: onlyDoomed }).where(eq(captures.id, ids[0]));
    await db
      .update(captures)
      .set({ screenshotHash: shared })
      .where(inArray(captures.id, [ids[1], ids[20]]));

    const summary = await applyRetention(db, { keepDays: 30, keepPerSource: 20 }, NOW, { home });
    const left = new Set((await db.select({ id: captures.id }).from(captures)).map((r) => r.id));
    const gone = [...ids, lonely].filter((id) => !left.has(id));
    expect(gone).toEqual([0, 1, 6, 7, 8, 9].map((n) => ids[n]));
    expect(summary).toEqual({ sourcesConsidered: 2, capturesDeleted: 6, snapshotsDeleted: 4, screenshotsDeleted: 1, interrupted: false });
    expect([existsSync(screenshotPath(home, onlyDoomed)), existsSync(screenshotPath(home, shared))]).toEqual([false, true]);
    rmSync(home, { recursive: true, force: true });
    const snapshotsLeft = new Set((await db.select({ id: snapshots.id }).from(snapshots)).map((r) => r.id));
    expect(doomedSnapshots.filter((id) => snapshotsLeft.has(id))).toEqual([]);
    // The change keeps both its snapshots though their captures are gone.
    expect(snapshotsLeft.has(await snapshotOfChange(db))).toBe(true);
    // A second run finds nothing more to do.
    expect((await applyRetention(db, { keepDays: 30, keepPerSource: 20 }, NOW)).capturesDeleted).toBe(0);
  });

  it('the job keeps everything by default (retentionKeepDays 0)', async () => {
    const { db } = database;
    const count = (await db.select({ id: captures.id }).from(captures)).length;
    const result = await retentionJob.run({
      db,
      config: defaultConfig({}),
      signal: new AbortController().signal,
      log: createLogger('json', () => {}),
    });
    expect(result).toEqual({
      sourcesConsidered: 0,
      capturesDeleted: 0,
      snapshotsDeleted: 0,
      screenshotsDeleted: 0,
      interrupted: false,
      jobRunsDeleted: 0,
    });
    expect((await db.select({ id: captures.id }).from(captures)).length).toBe(count);
  });

  it('the job prunes job runs older than 30 days, keeping what `citewatch jobs` shows of each job', async () => {
    const { db } = database;
    const run = (job: string, result: string, age: number) => ({
      job,
      trigger: 'schedule',
      result,
      startedAt: new Date(Date.now() - age * DAY),
    });
    const rows = await db
      .insert(jobRuns)
      .values([
        run('notify', 'ok', 40),
        run('notify', 'ok', 35),
        run('notify', 'skipped', 45),
        run('notify', 'ok', 1),
        run('digest', 'failed', 60),
        run('digest', 'ok', 50),
        run('crawl', 'running', 90),
      ])
      .returning({ id: jobRuns.id });
    const result = await retentionJob.run({
      db,
      config: defaultConfig({}),
      signal: new AbortController().signal,
      log: createLogger('json', () => {}),
    });
    expect(result.jobRunsDeleted).toBe(3);
    const left = (await db.select({ id: jobRuns.id }).from(jobRuns)).map((r) => r.id).sort((a, b) => a - b);
    // Kept: notify's latest skipped tick and latest run, digest's latest run, and the crawl still running.
    expect(left).toEqual([rows[2].id, rows[3].id, rows[5].id, rows[6].id]);
  });
});

async function snapshotOfChange(db: Db): Promise<number> {
  const [change] = await db.select().from(changes);
  return change.fromSnapshotId;
}
