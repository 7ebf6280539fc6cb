import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sources } from '../src/db/schema/index.js';
import { editNumber, generateArticle, plain } from '../src/simweb/articleGen.js';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { rngFor } from '../src/simweb/prng.js';
import { runPass } from '../src/watch/runPass.js';
import { addSources, crawlConfig, noDns } from './helpers/crawl.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 2, 1, 6);

/**
 * The policy in a real pass: the crawl schedules from the state it saw, and settling the capture
 * reschedules when the state moves, so a suspected vanish is confirmed within the hour.
 */
describe(`adaptive revisits in a pass (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let clock = T0;
  const config = crawlConfig({ hostDelayMs: 20 });
  const ids = new Map<string, number>();
  const article = generateArticle(rngFor(3, 'revisit'));
  const page = (later: 'same' | 'gone' | 'edited') => ({
    kind: 'rounds' as const,
    rounds: [
      { kind: 'article' as const, template: 'news' as const, article: plain(article) },
      later === 'same'
        ? { kind: 'article' as const, template: 'news' as const, article: plain(article) }
        : later === 'gone'
          ? { kind: 'status' as const, status: 404 }
          : { kind: 'article' as const, template: 'news' as const, article: editNumber(article, rngFor(3, 'edit')) },
    ],
  });
  const pass = () => runPass({ db: database.db, config, resolver: noDns, now: () => new Date(clock) });
  const row = async (path: string) =>
    (
      await database.db
        .select()
        .from(sources)
        .where(eq(sources.id, ids.get(path)!))
    )[0];
  const waitOf = async (path: string) => {
    const r = await row(path);
    return r.nextCheckAt!.getTime() - r.checkedAt!.getTime();
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({
      hosts: { 'revisit.sim': { pages: { '/same': page('same'), '/gone': page('gone'), '/edited': page('edited') } } },
    });
    const added = await addSources(
      database.db,
      ['/same', '/gone', '/edited'].map((p) => ({ url: web.url('revisit.sim', p), priority: 5 })),
    );
    for (const p of ['/same', '/gone', '/edited']) ids.set(p, added.get(web.url('revisit.sim', p))!);
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('checks new sources, then each again about a day later (within its jitter)', async () => {
    const first = await pass();
    expect(first.checked).toBe(3);
    for (const p of ids.keys()) {
      expect((await row(p)).checkedAt!.getTime()).toBe(T0); // the injected clock, not the machine's
      expect(await waitOf(p)).toBeGreaterThanOrEqual(0.9 * D);
      expect(await waitOf(p)).toBeLessThanOrEqual(1.1 * D);
    }
    clock = T0 + 12 * H;
    expect((await pass()).checked).toBe(0); // nothing due half a day later
  });

  it('a first 404 is confirmed within the hour; a change is looked at again a day later', async () => {
    web.setRound(1);
    clock = T0 + 1.2 * D;
    expect((await pass()).checked).toBe(3);
    const gone = await row('/gone');
    expect(gone.state).toBe('ok');
    expect(gone.stateReason).toMatch(/unconfirmed/);
    expect(await waitOf('/gone')).toBeGreaterThanOrEqual(0.9 * H);
    expect(await waitOf('/gone')).toBeLessThanOrEqual(1.1 * H);
    expect((await row('/edited')).state).toBe('changed');
    expect(await waitOf('/edited')).toBeGreaterThanOrEqual(0.9 * D);

    clock += 1.2 * H;
    const confirming = await pass();
    expect(confirming.checked).toBe(1); // only the suspected vanish is due
    const confirmed = await row('/gone');
    expect(confirmed.state).toBe('vanished');
    expect(confirmed.checkedAt!.getTime() - (T0 + 1.2 * D)).toBeLessThan(2 * H);
    // Confirmed gone, it waits a regular interval again rather than an hour.
    expect(await waitOf('/gone')).toBeGreaterThanOrEqual(0.9 * D);
  });
});
