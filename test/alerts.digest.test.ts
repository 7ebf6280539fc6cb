import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDigest } from '../src/alerts/digest.js';
import { runNotify } from '../src/alerts/notify.js';
import { alerts } from '../src/db/schema/index.js';
import { alertConfig, alertRow, flagFacts, insertAlert } from './helpers/alerts.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/receivers.js';

const DAY = 86_400_000;

describe(`daily digests (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let db: TestDatabase['db'];
  let hook: WebhookReceiver;
  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db;
    hook = await startWebhookReceiver(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await hook?.close();
    await database?.close();
  });

  it('groups what was held since the last digest into one alert the notify job delivers; empty periods send nothing unless asked', async () => {
    const config = alertConfig([
      { name: 'daily', type: 'webhook', url: hook.url, delivery: 'daily' },
      { name: 'always', type: 'webhook', url: hook.url, delivery: 'weekly', sendEmptyDigest: true },
    ]);
    const t0 = new Date();
    const held = [
      await insertAlert(db, 'daily', 'held-1', { status: 'held', at: t0, facts: flagFacts(1) }),
      await insertAlert(db, 'daily', 'held-2', { status: 'held', at: t0, facts: flagFacts(2) }),
    ];
    const at = (ms: number) => () => new Date(t0.getTime() + ms);
    expect(await runDigest({ db, config, now: at(DAY - 1) })).toEqual({ digests: [] });
    expect(await runNotify({ db, config })).toMatchObject({ attempted: 0 });

    const { digests } = await runDigest({ db, config, now: at(DAY) });
    expect(digests).toEqual([{ channel: 'daily', alertId: expect.any(Number), count: 2 }]);
    for (const id of held) expect(await alertRow(db, id)).toMatchObject({ status: 'held', digestId: digests[0].alertId });
    expect(await runNotify({ db, config, now: at(DAY) })).toMatchObject({ delivered: 1 });
    const body = JSON.parse(hook.hits[0].body);
    expect(body).toMatchObject({
      version: 1,
      kind: 'digest',
      channel: 'daily',
      count: 2,
      period: { from: t0.toISOString(), to: new Date(t0.getTime() + DAY).toISOString() },
    });
    expect(body.alerts.map((a: { event: { id: string } }) => a.event.id)).toEqual(['event-1', 'event-2']);
    expect(hook.hits[0].key).toBe(`digest-${t0.getTime()}`);
    for (const id of held) expect(await alertRow(db, id)).toMatchObject({ status: 'delivered' });

    // A day with nothing held: no digest for `daily`; `always` started its week at the first run and sends an empty one after it.
    expect((await runDigest({ db, config, now: at(2 * DAY) })).digests).toEqual([]);
    expect((await runDigest({ db, config, now: at(DAY + 7 * DAY) })).digests).toEqual([
      { channel: 'always', alertId: expect.any(Number), count: 0 },
    ]);
    const digestRows = await db.select().from(alerts).where(eq(alerts.kind, 'digest'));
    expect(digestRows.map((r) => r.channel).sort()).toEqual(['always', 'daily']);
  });
});
