import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelHealth } from '../src/alerts/queries.js';
import { runNotify } from '../src/alerts/notify.js';
import { alertConfig, alertRow, attemptsOf, insertAlert, manualClock } from './helpers/alerts.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { refusedUrl, signatureValid, startWebhookReceiver, type WebhookAction, type WebhookReceiver } from './helpers/receivers.js';

const BASE_MS = 1000;
const CAP_MS = 60_000;

describe(`webhook delivery against a real receiver (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let db: TestDatabase['db'];
  const receivers: WebhookReceiver[] = [];
  const receiver = async (script: (n: number, key: string) => WebhookAction) => {
    const r = await startWebhookReceiver(script);
    receivers.push(r);
    return r;
  };
  const hook = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
    name,
    type: 'webhook',
    url,
    timeoutMs: 3000,
    retryBaseMs: BASE_MS,
    retryMaxMs: CAP_MS,
    ...extra,
  });

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await database?.close();
  });

  it('retries a 500, a hung answer and a cut connection with growing waits, then delivers once', async () => {
    const script: WebhookAction[] = [{ status: 500 }, 'hang', 'destroy'];
    const r = await receiver((n) => script[n] ?? { status: 200 });
    const config = alertConfig([hook('desk', r.url)]);
    const clock = manualClock();
    const notify = () => runNotify({ db, config, now: clock.now, random: () => 0 });
    const id = await insertAlert(db, 'desk', 'flag-1-src-1-vanished-since-5');

    const expectations = [
      { error: /^HTTP 500: receiver trouble$/, status: 500, waitMs: BASE_MS },
      { error: /^timed out$/, status: null, waitMs: 2 * BASE_MS },
      { error: /fetch failed|socket|closed/i, status: null, waitMs: 4 * BASE_MS },
    ];
    for (const [i, want] of expectations.entries()) {
      expect(await notify()).toMatchObject({ attempted: 1, delivered: 0, failed: 1 });
      const row = await alertRow(db, id);
      expect(row).toMatchObject({ status: 'pending', attempts: i + 1, leaseOwner: null });
      expect(row.lastError).toMatch(want.error);
      expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(want.waitMs);
      const attempt = (await attemptsOf(db, id))[i];
      expect(attempt).toMatchObject({ ok: false, status: want.status });
      expect(attempt.error).toMatch(want.error);
      // Not due yet: a run now leaves it alone.
      expect((await notify()).attempted).toBe(0);
      clock.set(row.nextAttemptAt);
    }
    expect((await attemptsOf(db, id))[1].durationMs).toBeGreaterThanOrEqual(2900);

    expect(await notify()).toMatchObject({ attempted: 1, delivered: 1 });
    expect(await alertRow(db, id)).toMatchObject({ status: 'delivered', attempts: 4, deliveredAt: expect.any(Date) });
    expect((await attemptsOf(db, id)).map((a) => [a.ok, a.status])).toEqual([
      [false, 500],
      [false, null],
      [false, null],
      [true, 200],
    ]);
    clock.advance(365 * 86_400_000);
    expect((await notify()).attempted).toBe(0);
    expect(r.hits.map((h) => h.key)).toEqual(Array(4).fill('flag-1-src-1-vanished-since-5'));
    expect([...r.processed]).toEqual([['flag-1-src-1-vanished-since-5', 1]]);
  });

  it('retries a refusing receiver (4xx) at the cap, never dropping the alert; 429 keeps the normal pace', async () => {
    const r = await receiver((_n, key) => (key.startsWith('busy') ? { status: 429 } : { status: 400 }));
    const config = alertConfig([hook('strict', r.url), hook('busy', r.url)]);
    const clock = manualClock();
    const strict = await insertAlert(db, 'strict', 'strict-1');
    const busy = await insertAlert(db, 'busy', 'busy-1');
    expect(await runNotify({ db, config, now: clock.now, random: () => 0 })).toMatchObject({ attempted: 2, failed: 2 });
    expect((await alertRow(db, strict)).nextAttemptAt.getTime() - clock.now().getTime()).toBe(CAP_MS);
    expect((await alertRow(db, busy)).nextAttemptAt.getTime() - clock.now().getTime()).toBe(BASE_MS);
    expect((await alertRow(db, strict)).lastError).toBe('HTTP 400: receiver trouble');
    clock.advance(CAP_MS);
    await runNotify({ db, config, now: clock.now, random: () => 0 });
    expect(await alertRow(db, strict)).toMatchObject({ status: 'pending', attempts: 2 });
  });

  it('leaves a refusing channel after one attempt per run and shows it failing in channel health', async () => {
    const config = alertConfig([hook('down', await refusedUrl())]);
    const clock = manualClock();
    const ids = [await insertAlert(db, 'down', 'down-1'), await insertAlert(db, 'down', 'down-2')];
    expect(await runNotify({ db, config, now: clock.now, random: () => 0 })).toMatchObject({ attempted: 1, failed: 1 });
    expect((await alertRow(db, ids[0])).lastError).toMatch(/ECONNREFUSED/);
    expect(await alertRow(db, ids[1])).toMatchObject({ status: 'pending', attempts: 0, leaseOwner: null });
    clock.advance(BASE_MS);
    await runNotify({ db, config, now: clock.now, random: () => 0 });
    const health = (await channelHealth(db)).find((h) => h.channel === 'down');
    expect(health).toMatchObject({ pending: 2, delivered: 0, failuresSinceSuccess: 2 });
    expect(health?.lastError).toMatch(/ECONNREFUSED/);
    expect(health?.oldestPendingAt).toBeInstanceOf(Date);
  });

  it('signs the exact body with HMAC-SHA256 and sends the idempotency key; Slack shape on request', async () => {
    const r = await receiver(() => ({ status: 204 }));
    const config = alertConfig([hook('signed', r.url, { secretEnv: 'CW_TEST_HOOK_SECRET' }), hook('slack', r.url, { format: 'slack' })]);
    await insertAlert(db, 'signed', 'signed-1');
    await insertAlert(db, 'slack', 'slack-1');
    const summary = await runNotify({ db, config, env: { CW_TEST_HOOK_SECRET: 's3cret-for-tests' } });
    expect(summary).toMatchObject({ attempted: 2, delivered: 2 });
    const signed = r.hits.find((h) => h.key === 'signed-1')!;
    expect(signatureValid(signed.body, signed.headers['x-citewatch-signature'], 's3cret-for-tests')).toBe(true);
    expect(signatureValid(signed.body, signed.headers['x-citewatch-signature'], 'another secret')).toBe(false);
    expect(JSON.parse(signed.body)).toMatchObject({ version: 1, kind: 'flag', channel: 'signed', idempotencyKey: 'signed-1' });
    const slack = r.hits.find((h) => h.key === 'slack-1')!;
    expect(slack.headers['x-citewatch-signature']).toBeUndefined();
    const body = JSON.parse(slack.body);
    expect(body.text).toMatch(/^\[citewatch\] vanished \(http-404\): Event number 1$/);
    expect(body.blocks.length).toBeGreaterThan(1);
  });

  it('keeps the alert waiting when the secret it must be signed with is missing', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const config = alertConfig([hook('unsigned', r.url, { secretEnv: 'CW_TEST_MISSING_SECRET' })]);
    const id = await insertAlert(db, 'unsigned', 'unsigned-1');
    expect(await runNotify({ db, config, env: {} })).toMatchObject({ failed: 1 });
    expect(await alertRow(db, id)).toMatchObject({ status: 'pending', lastError: expect.stringContaining('CW_TEST_MISSING_SECRET') });
    expect(r.hits).toHaveLength(0);
  });
});
