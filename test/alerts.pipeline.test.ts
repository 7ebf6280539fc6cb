import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagAlertKey } from '../src/alerts/keys.js';
import { runNotify } from '../src/alerts/notify.js';
import type { Config } from '../src/config/loadConfig.js';
import { alerts, flags, flagSources } from '../src/db/schema/index.js';
import { ingestPaths } from '../src/ingest/index.js';
import type { SimWeb } from '../src/simweb/index.js';
import { runPass } from '../src/watch/runPass.js';
import { crawlConfig, noDns } from './helpers/crawl.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { startRoundStoryWeb, writeRoundStoryEvents } from './helpers/roundStory.js';
import { mailHeader, startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './helpers/receivers.js';

describe(`alerts from a pass through a round change (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let db: TestDatabase['db'];
  let web: SimWeb;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let home: string;
  let config: Config;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db;
    web = await startRoundStoryWeb();
    hook = await startWebhookReceiver(() => ({ status: 200 }));
    smtp = await startSmtpReceiver({});
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-alerts-pipeline-'));
    const files = writeRoundStoryEvents(home, web);
    config = crawlConfig({
      // Generous: this test is about alerts, and a loaded machine must not turn a page into a timeout.
      connectTimeoutMs: 10_000,
      readTimeoutMs: 20_000,
      totalTimeoutMs: 30_000,
      channels: [
        { name: 'hook', type: 'webhook', url: hook.url },
        {
          name: 'mail',
          type: 'email',
          smtpHost: '127.0.0.1',
          smtpPort: smtp.port,
          from: 'cw@example.org',
          to: ['desk@example.org'],
          filters: { minImportance: 5 },
        },
      ] as never,
    });
    const ingested = await ingestPaths(db, files);
    expect(ingested.rejections).toEqual([]);
  });
  afterAll(async () => {
    await web?.close();
    await hook?.close();
    await smtp?.close();
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const pass = () => runPass({ db, config, resolver: noDns }, { all: true });

  it('delivers one alert per flag episode and channel, and none again on re-runs', { timeout: 420_000 }, async () => {
    expect(await pass()).toMatchObject({ flagsOpened: 0, settleFailures: [] });
    expect(await db.select().from(alerts)).toEqual([]);
    web.setRound(1);
    expect(await pass()).toMatchObject({ flagsOpened: 2, settleFailures: [] });
    // The 404 needs a second check to count as vanished.
    expect(await pass()).toMatchObject({ flagsExtended: 1, settleFailures: [] });
    await pass();

    const episodes = await db
      .select({
        flagId: flagSources.flagId,
        sourceId: flagSources.sourceId,
        state: flagSources.state,
        changeId: flagSources.changeId,
        sinceCaptureId: flagSources.sinceCaptureId,
        eventId: flags.eventId,
      })
      .from(flagSources)
      .innerJoin(flags, eq(flags.id, flagSources.flagId));
    expect(episodes.map((e) => `${e.eventId}:${e.state}`).sort()).toEqual(['loan:changed', 'loan:vanished', 'shells:changed']);
    const keyOf = (e: (typeof episodes)[number]) => flagAlertKey(e);

    expect(await runNotify({ db, config })).toMatchObject({ delivered: 4, failed: 0 });
    expect(hook.hits.map((h) => h.key).sort()).toEqual(episodes.map(keyOf).sort());
    const bodies = hook.hits.map((h) => JSON.parse(h.body));
    const shells = bodies.find((b) => b.event.id === 'shells');
    expect(shells).toMatchObject({
      version: 1,
      kind: 'flag',
      action: 'open',
      event: { title: 'Reyes moved $4 million through Cyprus shell companies', importance: 8 },
    });
    expect(shells.sources[0]).toMatchObject({ url: web.url('news.example', '/story'), state: 'changed', touchesClaim: true });
    expect(shells.sources[0].removed.join(' ')).toContain('4 million');
    expect(shells.sources[0].added.join(' ')).toContain('9 million');
    expect(shells.sources[0].lastGoodCapture).toMatchObject({ id: expect.any(Number), link: null });
    const vanished = bodies.find((b) => b.sources[0].state === 'vanished');
    expect(vanished).toMatchObject({
      action: 'add',
      event: { id: 'loan' },
      sources: [{ reason: 'http-404', url: web.url('wire.example', '/gone') }],
    });

    // Only the important event passes the mail channel's filter.
    const shellsEpisode = episodes.find((e) => e.eventId === 'shells')!;
    expect(smtp.mails.map((m) => mailHeader(m.raw, 'Message-ID'))).toEqual([`<${keyOf(shellsEpisode)}.mail@citewatch.invalid>`]);

    await pass();
    expect(await runNotify({ db, config })).toMatchObject({ attempted: 0 });
    expect(hook.hits).toHaveLength(3);
    expect([...hook.processed.values()]).toEqual([1, 1, 1]);
    expect(await db.select().from(alerts)).toHaveLength(4);
  });
});
