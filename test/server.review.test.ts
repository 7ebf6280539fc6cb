import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/loadConfig.js';
import { changes, citations, flags, reviews, sources } from '../src/db/schema/index.js';
import { listReviews } from '../src/flags/auditLog.js';
import { resolveFlag } from '../src/flags/review.js';
import { createApp } from '../src/server/createApp.js';
import { addUser } from '../src/server/auth/users.js';
import { settleSource } from '../src/watch/settleSource.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { csrfOf, day, get, post, seedFlaggedWorld, signIn, type Browser } from './helpers/server.js';
import { addCapture, articleHtml, type SeededSource } from './helpers/sourceHistory.js';

const PASSWORD = 'correct horse battery';

/** An editor works through the queue in the web app (inject): filters, the event page, every decision, the audit log. */
describe(`review app decisions (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let editor: Browser;
  let article: SeededSource;
  let gone: SeededSource;
  const config = { ...defaultConfig({}), readAccess: 'signed-in' as const, cookieSecure: false };

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ article, gone } = await seedFlaggedWorld(database.db, config));
    await addUser(database.db, 'ana', 'editor', PASSWORD);
    app = await createApp({ db: database.db, config });
    editor = await signIn(app, 'ana', PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const eventIdsOf = (page: string) => [...page.matchAll(/<tr data-event="([^"]+)"/g)].map((m) => m[1]);

  it('lists open flags, most important first, with counts and filters', async () => {
    const queue = await get(app, editor, '/');
    expect(queue.statusCode).toBe(200);
    expect(eventIdsOf(queue.body)).toEqual(['bank-fine', 'governor']);
    expect(queue.body).toMatch(/<strong>2<\/strong> open flags/);
    expect(queue.body).toMatch(/<strong>1<\/strong> with a vanished source/);
    expect(eventIdsOf((await get(app, editor, '/?state=vanished')).body)).toEqual(['governor']);
    expect(eventIdsOf((await get(app, editor, '/?importance=5')).body)).toEqual(['bank-fine']);
    expect(eventIdsOf((await get(app, editor, '/?reason=http-404')).body)).toEqual(['governor']);
    const touching = eventIdsOf((await get(app, editor, '/?claim=yes')).body);
    expect(touching).toContain('bank-fine');
    expect(eventIdsOf((await get(app, editor, '/?claim=no')).body)).toEqual(
      ['bank-fine', 'governor'].filter((id) => !touching.includes(id)),
    );
  });

  it('shows a changed source word by word, with the claim terms marked, and a vanished one with its last good text', async () => {
    const bank = await get(app, editor, '/events/bank-fine');
    expect(bank.statusCode).toBe(200);
    expect(bank.body).toMatch(/<del><mark>120<\/mark><\/del>\s*<ins>210<\/ins>/);
    expect(bank.body).toMatch(/<mark>[^<]*(bank|Regulator|million)[^<]*<\/mark>/i);
    expect(bank.body).toContain('data-diff="before"');
    expect(bank.body).toContain('value="reverify"');
    const governor = await get(app, editor, '/events/governor');
    expect(governor.body).toContain('What the URL answers now');
    expect(governor.body).toMatch(/404 http-error/);
    expect(governor.body).toContain('Last good capture');
    expect(governor.body).toContain(PARAGRAPH_START);
  });

  it('re-verifies a changed source: the flag leaves the queue, the source is ok with a new baseline, the decision is logged', async () => {
    const page = await get(app, editor, '/events/bank-fine');
    const done = await post(app, editor, '/events/bank-fine/decisions', {
      action: 'reverify',
      sourceId: String(article.id),
      note: 'figure corrected in the timeline',
      _csrf: csrfOf(page.body),
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/events/bank-fine?done=reverify#main');
    const [flag] = await database.db.select().from(flags).where(eq(flags.eventId, 'bank-fine'));
    expect(flag.status).toBe('resolved');
    const [source] = await database.db.select().from(sources).where(eq(sources.id, article.id));
    expect(source).toMatchObject({ state: 'ok', stateReason: 're-verified' });
    expect(source.verifiedCaptureId).toEqual(expect.any(Number));
    expect(eventIdsOf((await get(app, editor, '/')).body)).toEqual(['governor']);
    const [entry] = await listReviews(database.db, { eventId: 'bank-fine' });
    expect(entry).toMatchObject({ action: 'reverify', reviewer: 'ana', note: 'figure corrected in the timeline', sourceId: article.id });
    expect(entry.captureIds[0]).toBe(source.verifiedCaptureId);
    expect(entry.userId).toEqual(expect.any(Number));
    const after = await get(app, editor, '/events/bank-fine?done=reverify');
    expect(after.body).toContain('Marked re-verified.');
    expect(after.body).toMatch(/<tr data-action="reverify">.*figure corrected in the timeline/s);
  });

  it('compares later captures with the re-verified one: the same text stays ok and raises nothing', async () => {
    await addCapture(database.db, article, { at: day(3), html: AFTER_AGAIN });
    const update = await settleSource(database.db, config, article.id);
    expect(update.verdict.state).toBe('ok');
    expect(update.flags).toEqual([]);
  });

  it('refuses a decision the source cannot take, on the event page, with the reason', async () => {
    const page = await get(app, editor, '/events/governor');
    const refused = await post(app, editor, '/events/governor/decisions', {
      action: 'reverify',
      sourceId: String(gone.id),
      note: 'looks fine',
      _csrf: csrfOf(page.body),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('only a changed source can be re-verified');
  });

  it('snoozes a flag out of the queue and re-opens it', async () => {
    const page = await get(app, editor, '/events/governor');
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const snoozed = await post(app, editor, '/events/governor/decisions', {
      action: 'snooze',
      until,
      note: 'waiting for the outlet',
      _csrf: csrfOf(page.body),
    });
    expect(snoozed.statusCode).toBe(303);
    const queue = await get(app, editor, '/');
    expect(eventIdsOf(queue.body)).toEqual([]);
    expect(queue.body).toMatch(/<strong>1<\/strong> snoozed/);
    const reopened = await post(app, editor, '/events/governor/decisions', {
      action: 'reopen',
      note: 'outlet answered',
      _csrf: csrfOf(page.body),
    });
    expect(reopened.statusCode).toBe(303);
    expect(eventIdsOf((await get(app, editor, '/')).body)).toEqual(['governor']);
  });

  it('replaces a vanished source with a normalized new URL, cited and due, and closes the flag once every source is settled', async () => {
    const page = await get(app, editor, '/events/governor');
    const replaced = await post(app, editor, '/events/governor/decisions', {
      action: 'replace',
      sourceId: String(gone.id),
      url: 'HTTPS://News.Example.org/governor-accounts?utm_source=feed',
      note: 'the wire story moved',
      _csrf: csrfOf(page.body),
    });
    expect(replaced.statusCode).toBe(303);
    const [newSource] = await database.db.select().from(sources).where(eq(sources.url, 'https://news.example.org/governor-accounts'));
    expect(newSource).toMatchObject({ nextCheckAt: null, state: 'pending' });
    const cited = await database.db.select().from(citations).where(eq(citations.eventId, 'governor'));
    expect(cited.find((c) => c.sourceId === gone.id)?.detachedAt).toBeInstanceOf(Date);
    expect(cited.find((c) => c.sourceId === newSource.id)?.detachedAt).toBeNull();
    const [old] = await database.db.select().from(sources).where(eq(sources.id, gone.id));
    expect(old.replacedBySourceId).toBe(newSource.id);
    // The article on the same flag is not settled yet (changed, not re-verified for this flag): still open.
    const [flag] = await database.db.select().from(flags).where(eq(flags.eventId, 'governor'));
    expect(flag.status).toBe('open');
    const [entry] = await listReviews(database.db, { eventId: 'governor' });
    expect(entry).toMatchObject({ action: 'replace', details: { url: newSource.url }, sourceId: gone.id });
    expect(entry.captureIds).toHaveLength(1);
  });

  it('writes the CLI resolve into the same audit log, and shows every decision on /reviews', async () => {
    await resolveFlag(database.db, 'governor', { reviewer: 'night-desk', note: 'checked by phone' });
    const rows = await database.db.select().from(reviews).where(eq(reviews.action, 'resolve'));
    expect(rows[0]).toMatchObject({ eventId: 'governor', reviewer: 'night-desk' });
    expect(rows[0].captureIds.length).toBeGreaterThan(0);
    const log = await get(app, editor, '/reviews');
    expect([...log.body.matchAll(/<tr data-action="([a-z]+)">/g)].map((m) => m[1])).toEqual([
      'resolve',
      'replace',
      'reopen',
      'snooze',
      'reverify',
    ]);
  });

  it('compares with the re-verified baseline even after edits that were only noise', async () => {
    const base = await database.db.select().from(sources).where(eq(sources.id, article.id));
    const noisy = (n: number) =>
      articleHtml('Bank fined over suspicious transfers', [PARAGRAPHS_AFTER[0], PARAGRAPHS_AFTER[1], PARAGRAPHS_AFTER[2] + '!'.repeat(n)]);
    await addCapture(database.db, article, { at: day(4), html: noisy(1) });
    await settleSource(database.db, config, article.id);
    await addCapture(database.db, article, { at: day(5), html: noisy(2) });
    await settleSource(database.db, config, article.id);
    const verified = base[0].verifiedCaptureId!;
    const rows = await database.db.select().from(changes);
    const { captures: capturesTable } = await import('../src/db/schema/index.js');
    const [verifiedCapture] = await database.db.select().from(capturesTable).where(eq(capturesTable.id, verified));
    const fromVerified = rows.filter((c) => c.fromSnapshotId === verifiedCapture.snapshotId);
    expect(fromVerified.length).toBeGreaterThanOrEqual(2);
  });
});

const PARAGRAPH_START = 'The regulator fined the bank 120 million euros';
const PARAGRAPHS_AFTER = [
  'The regulator fined the bank 210 million euros for failing to report suspicious transfers made by companies linked to the former governor.',
  'Investigators found that the transfers continued for two years after the first internal warning was sent to the compliance department.',
  'The bank said it had strengthened its controls and replaced the managers responsible for the accounts in question.',
];
const AFTER_AGAIN = articleHtml('Bank fined over suspicious transfers', PARAGRAPHS_AFTER);
