import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { channelsSchema } from '../../src/alerts/channelSettings.js';
import { buildFlagPayload, type FlagFacts } from '../../src/alerts/payload.js';
import { defaultConfig, type Config } from '../../src/config/loadConfig.js';
import type { Db } from '../../src/db/open.js';
import { alertAttempts, alerts } from '../../src/db/schema/index.js';

/** Test settings with the given channels (validated as a configuration file would be) and a home of their own. */
export function alertConfig(channels: unknown[], extra: Partial<Config> = {}): Config {
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-alerts-'));
  return { ...defaultConfig({ CITEWATCH_HOME: home }), channels: channelsSchema.parse(channels), ...extra };
}

/** A clock the test moves by hand, so retries become due without waiting. */
export function manualClock(start = new Date(Date.now() + 60_000)) {
  let now = start.getTime();
  return { now: () => new Date(now), set: (d: Date) => void (now = d.getTime()), advance: (ms: number) => void (now += ms), start };
}

export function flagFacts(n: number, title = `Event number ${n}`): FlagFacts {
  return {
    flagId: n,
    action: 'open',
    at: new Date('2026-03-04T05:06:07Z'),
    event: { id: `event-${n}`, title, date: '2026-02-01', importance: 6, tags: [] },
    source: {
      url: `https://news.example.com/story-${n}`,
      state: 'vanished',
      reason: 'http-404',
      touchesClaim: null,
      change: null,
      lastGoodCapture: { id: 100 + n, at: new Date('2026-03-01T00:00:00Z') },
      archiveUrl: null,
    },
  };
}

/** An outbox row as writeFlagAlerts would leave it, without the pipeline behind it. */
export async function insertAlert(
  db: Db,
  channel: string,
  key: string,
  options: { at?: Date; status?: 'pending' | 'held'; facts?: FlagFacts } = {},
): Promise<number> {
  const [row] = await db
    .insert(alerts)
    .values({
      channel,
      kind: 'flag',
      idempotencyKey: key,
      payload: buildFlagPayload(options.facts ?? flagFacts(1), 'https://cw.example.org'),
      status: options.status ?? 'pending',
      nextAttemptAt: options.at ?? new Date(),
      createdAt: options.at ?? new Date(),
    })
    .returning({ id: alerts.id });
  return row.id;
}

export async function alertRow(db: Db, id: number) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

export function attemptsOf(db: Db, id: number) {
  return db.select().from(alertAttempts).where(eq(alertAttempts.alertId, id)).orderBy(asc(alertAttempts.id));
}
