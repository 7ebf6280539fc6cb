import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { crawlSources } from '../src/crawl/crawlSources.js';
import { flagSources, flags, sources } from '../src/db/schema/index.js';
import { buildLabelledWeb, startSimWeb, type LabelledCase, type SimWeb } from '../src/simweb/index.js';
import { updateSourceState } from '../src/states/updateSourceState.js';
import { crawlConfig, noDns } from './helpers/crawl.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { seedEvent, seedSource } from './helpers/sourceHistory.js';

/**
 * The whole detection path on the labelled simulated web: crawl the originals, switch every page to
 * its labelled second version, crawl twice; each source must reach the state its label names, and
 * exactly the changed and vanished ones must be flagged, once.
 */
describe(`states on the labelled web (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  const { spec, cases } = buildLabelledWeb({ perLabel: 1, seed: 17 });
  const ids = new Map<LabelledCase, number>();
  const failures: string[] = [];
  const eventOf = (c: LabelledCase, i: number) => `ev-${i}-${c.label}`;

  beforeAll(async () => {
    database = await openTestDatabase();
    const { db } = database;
    web = await startSimWeb(spec);
    const config = crawlConfig();
    for (const [i, c] of cases.entries()) {
      const eventId = eventOf(c, i);
      await seedEvent(db, { id: eventId, title: `Event citing a ${c.template} page (${c.label})` });
      ids.set(c, (await seedSource(db, c.url, [eventId])).id);
    }
    const onCaptured = async (capture: { sourceId: number }) => {
      try {
        await updateSourceState(db, config, capture.sourceId);
      } catch (err) {
        failures.push(String((err as Error).stack ?? err));
      }
    };
    await crawlSources({ db, config, resolver: noDns, onCaptured }, { all: true });
    web.setRound(1);
    await crawlSources({ db, config, resolver: noDns, onCaptured }, { all: true });
    await crawlSources({ db, config, resolver: noDns, onCaptured }, { all: true });
  }, 240_000);
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('updates states without errors', () => {
    expect(failures).toEqual([]);
  });

  it('reaches the labelled state and reason for every case', async () => {
    const got = [];
    for (const c of cases) {
      const [row] = await database.db.select().from(sources).where(eq(sources.id, ids.get(c)!));
      got.push({ label: c.label, template: c.template, state: row.state, reason: c.expected.reason === undefined ? undefined : row.stateReason });
    }
    expect(got).toEqual(cases.map((c) => ({ label: c.label, template: c.template, state: c.expected.state, reason: c.expected.reason })));
  });

  it('flags exactly the changed and vanished sources, once each', async () => {
    const rows = await database.db.select({ eventId: flags.eventId, state: flagSources.state }).from(flagSources).innerJoin(flags, eq(flags.id, flagSources.flagId));
    const flagged = rows.map((r) => r.eventId).sort();
    const expected = cases.flatMap((c, i) => (c.expected.state === 'changed' || c.expected.state === 'vanished' ? [eventOf(c, i)] : [])).sort();
    expect(flagged).toEqual(expected);
  });
});
