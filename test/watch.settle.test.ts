import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { defaultConfig } from '../src/config/loadConfig.js';
import { captures, changes, flagSources, flags, reviews, sources, sourceStates } from '../src/db/schema/index.js';
import { NotFoundError } from '../src/errors.js';
import { listFlags } from '../src/flags/listFlags.js';
import { dismissFlag, resolveFlag } from '../src/flags/review.js';
import { readSettleRows, settleSource } from '../src/watch/settleSource.js';
import { storeAndSettle } from '../src/watch/storeAndSettle.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import {
  addCapture,
  articleHtml,
  captureInput,
  seedEvent,
  seedSource,
  setProbe,
  type CaptureSpec,
  type SeededSource,
} from './helpers/sourceHistory.js';

const CONFIG = defaultConfig({});
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const day = (n: number) => new Date(T0 + n * DAY);

const PARAGRAPHS = [
  'Finance minister Alma Reyes moved 4 million dollars through three shell companies registered in Cyprus, according to bank records reviewed by reporters this week.',
  'The transfers took place between March and June, when the ministry was negotiating a loan with a consortium of foreign lenders led by Northbank.',
  'Reyes denied wrongdoing in a statement and said every transfer had been approved by the parliamentary budget committee at the time.',
  'Opposition lawmakers called for an independent inquiry and asked the prosecutor general to freeze the accounts involved until it reports.',
];
const V1 = articleHtml('Minister moved millions through Cyprus shells', PARAGRAPHS);
const V1_RESERVED = articleHtml('Minister moved millions through Cyprus shells', PARAGRAPHS, '<!-- served by edge 7 -->');
const V2 = articleHtml('Minister moved millions through Cyprus shells', [
  PARAGRAPHS[0].replace('4 million', '9 million'),
  ...PARAGRAPHS.slice(1),
]);
const V3 = articleHtml('Minister moved millions through Cyprus shells', [
  PARAGRAPHS[0].replace('4 million', '9 million'),
  PARAGRAPHS[1].replace('Northbank', 'Eastbank'),
  ...PARAGRAPHS.slice(2),
]);
const NOT_FOUND_TEXT =
  'Sorry, the page you were looking for could not be found. It may have been moved or deleted. Try searching our archive or return to the front page for the latest news and analysis.';
const NOT_FOUND = `<!doctype html><html><head><title>Example News</title></head><body><main><h2>Page not available</h2><p>${NOT_FOUND_TEXT}</p></main></body></html>`;

describe(`settleSource (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let db: TestDatabase['db'];
  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db;
    await seedEvent(db, {
      id: 'e-shells',
      title: 'Reyes moved $4 million through Cyprus shell companies',
      description: 'Bank records show 4 million dollars moved by Alma Reyes.',
      importance: 8,
    });
    await seedEvent(db, { id: 'e-loan', title: 'Ministry negotiated Northbank loan', importance: 6 });
    await seedEvent(db, { id: 'e-gone', title: 'A report that later vanished', importance: 7 });
  });
  afterAll(() => database.close());

  const check = async (source: SeededSource, spec: CaptureSpec) => {
    await addCapture(db, source, spec);
    return settleSource(db, CONFIG, source.id);
  };
  const history = (sourceId: number) =>
    db.select().from(sourceStates).where(eq(sourceStates.sourceId, sourceId)).orderBy(asc(sourceStates.id));
  const flagsOf = (eventId: string) => db.select().from(flags).where(eq(flags.eventId, eventId)).orderBy(asc(flags.id));
  const entriesOf = (flagId: number) => db.select().from(flagSources).where(eq(flagSources.flagId, flagId));

  it('walks a changing source through ok and changed, flagging each citing event once per change', async () => {
    const s = await seedSource(db, 'https://news.example.com/2026/03/minister-cyprus-shells', ['e-shells', 'e-loan']);
    expect((await check(s, { at: day(0), html: V1 })).verdict).toMatchObject({ state: 'ok', reason: null });
    const same = await check(s, { at: day(1), html: V1_RESERVED });
    expect(same).toMatchObject({ moved: false, verdict: { state: 'ok' } });
    expect(await history(s.id)).toHaveLength(1);

    const changed = await check(s, { at: day(2), html: V2 });
    expect(changed.verdict.state).toBe('changed');
    const [change] = await db.select().from(changes).where(eq(changes.id, changed.verdict.changeId!));
    expect(change.classification).toBe('material');
    expect(changed.verdict.reason).toBe(change.kinds[0]);
    expect(change.kinds).toContain('number');
    expect(changed.flags.map((f) => [f.eventId, f.action]).sort()).toEqual([
      ['e-loan', 'open'],
      ['e-shells', 'open'],
    ]);
    const [row] = await db.select().from(sources).where(eq(sources.id, s.id));
    expect(row).toMatchObject({ state: 'changed', stateReason: changed.verdict.reason, stateChangeId: change.id, stateSince: day(2) });

    // The same changed content, checked again (even with other bytes): nothing new.
    for (const [n, html] of [
      [3, V2],
      [4, V2 + '<!-- again -->'],
    ] as const) {
      const again = await check(s, { at: day(n), html });
      expect(again).toMatchObject({ moved: false, flags: [], verdict: { state: 'changed', changeId: change.id } });
    }
    const [shellsFlag] = await flagsOf('e-shells');
    const entries = await entriesOf(shellsFlag.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ sourceId: s.id, state: 'changed', changeId: change.id });
    expect(entries[0].touchesClaim?.touches).toBe(true);
    expect(entries[0].touchesClaim?.terms.length).toBeGreaterThan(0);

    await resolveFlag(db, 'e-shells', { reviewer: 'ana', note: 'updated the figure to 9 million' });
    await dismissFlag(db, 'e-loan', { reviewer: 'ben', note: 'the loan part did not change' });
    const decided = await db.select().from(reviews).orderBy(asc(reviews.id));
    expect(decided.map((r) => [r.action, r.reviewer, r.note])).toEqual([
      ['resolve', 'ana', 'updated the figure to 9 million'],
      ['dismiss', 'ben', 'the loan part did not change'],
    ]);
    expect((await flagsOf('e-shells'))[0]).toMatchObject({ status: 'resolved' });
    expect((await flagsOf('e-shells'))[0].closedAt).toBeInstanceOf(Date);
    await expect(resolveFlag(db, 'e-shells', { reviewer: 'ana', note: 'again' })).rejects.toThrow(/event e-shells has no open flag/);
    await expect(dismissFlag(db, 'e-nope', { reviewer: 'ana', note: 'x' })).rejects.toThrow(NotFoundError);

    // Re-checks of the reviewed state do not re-open; a new change does, as a new flag.
    expect((await check(s, { at: day(5), html: V2 })).flags).toEqual([]);
    expect((await check(s, { at: day(6), outcome: 'network-error', errorKind: 'timeout' })).verdict).toMatchObject({
      state: 'unreachable',
      reason: 'timeout',
    });
    expect((await check(s, { at: day(7), html: V2 })).verdict).toMatchObject({ state: 'changed', changeId: change.id });
    expect((await flagsOf('e-shells')).map((f) => f.status)).toEqual(['resolved']);

    const newer = await check(s, { at: day(8), html: V3 });
    expect(newer.verdict.state).toBe('changed');
    expect(newer.verdict.changeId).not.toBe(change.id);
    expect((await flagsOf('e-shells')).map((f) => f.status)).toEqual(['resolved', 'open']);
    expect((await flagsOf('e-loan')).map((f) => f.status)).toEqual(['dismissed', 'open']);
    expect((await history(s.id)).map((h) => [h.state, h.changeId === null ? null : h.changeId === change.id ? 'first' : 'second'])).toEqual(
      [
        ['ok', null],
        ['changed', 'first'],
        ['unreachable', null],
        ['changed', 'first'],
        ['changed', 'second'],
      ],
    );
  });

  it('confirms vanishing over two checks, flags it once, and re-opens only on a new vanishing', async () => {
    const s = await seedSource(db, 'https://daily.example.net/reports/2025/leaked-ledger-shows-payments', ['e-gone']);
    await check(s, { at: day(0), html: V1 });
    const first404 = await check(s, { at: day(1), status: 404 });
    expect(first404.verdict).toMatchObject({ state: 'ok', reason: 'unconfirmed http-404 (1/2)' });
    expect(first404.flags).toEqual([]);
    const second = await check(s, { at: day(2), status: 404 });
    expect(second.verdict).toMatchObject({ state: 'vanished', reason: 'http-404' });
    expect(second.flags).toMatchObject([{ eventId: 'e-gone', action: 'open' }]);
    expect((await check(s, { at: day(3), status: 410 })).verdict).toMatchObject({ state: 'vanished', reason: 'http-410' });
    const [flag] = await flagsOf('e-gone');
    expect(await entriesOf(flag.id)).toHaveLength(1);
    await dismissFlag(db, 'e-gone', { reviewer: 'ana', note: 'archived copy cited instead' });
    expect((await check(s, { at: day(4), status: 404 })).flags).toEqual([]);

    // Back, then gone again: a new episode, a new flag.
    expect((await check(s, { at: day(5), html: V1 })).verdict).toMatchObject({ state: 'ok', reason: null });
    await check(s, { at: day(6), status: 404 });
    const again = await check(s, { at: day(7), status: 404 });
    expect(again.flags).toMatchObject([{ eventId: 'e-gone', action: 'open' }]);
    expect((await flagsOf('e-gone')).map((f) => f.status)).toEqual(['dismissed', 'open']);
    expect((await history(s.id)).map((h) => [h.state, h.reason])).toEqual([
      ['ok', null],
      ['ok', 'unconfirmed http-404 (1/2)'],
      ['vanished', 'http-404'],
      ['vanished', 'http-410'],
      ['vanished', 'http-404'],
      ['ok', null],
      ['ok', 'unconfirmed http-404 (1/2)'],
      ['vanished', 'http-404'],
    ]);
  });

  it('recognises a soft 404 by the host probe and a redirect to the front page', async () => {
    const soft = await seedSource(db, 'https://soft.example.org/politics/2024/minister-interview-transcript', ['e-gone']);
    await setProbe(db, soft.host, {
      status: 200,
      finalUrl: 'https://soft.example.org/zq8x7c6v5b4n',
      text: NOT_FOUND_TEXT,
      at: day(0).toISOString(),
    });
    await check(soft, { at: day(0), html: V1 });
    expect((await check(soft, { at: day(1), html: NOT_FOUND })).verdict).toMatchObject({
      state: 'ok',
      reason: 'unconfirmed soft-404 (1/2)',
    });
    expect((await check(soft, { at: day(2), html: NOT_FOUND })).verdict).toMatchObject({ state: 'vanished', reason: 'soft-404' });

    const moved = await seedSource(db, 'https://moved.example.org/world/2023/09/the-ledger-story', []);
    await check(moved, { at: day(0), html: V1 });
    const front = articleHtml('Moved Example', [
      'Welcome to the front page with the latest headlines, opinion, sport and weather from around the world today.',
    ]);
    await check(moved, { at: day(1), html: front, finalUrl: 'https://moved.example.org/' });
    expect((await check(moved, { at: day(2), html: front, finalUrl: 'https://moved.example.org/' })).verdict).toMatchObject({
      state: 'vanished',
      reason: 'redirect-to-root',
    });
  });

  it('turns network failures into vanishing only after three checks over three days', async () => {
    const s = await seedSource(db, 'https://dead.example.com/story/12345', []);
    await check(s, { at: day(0), html: V1 });
    const dns = (n: number) => check(s, { at: day(n), outcome: 'network-error', errorKind: 'dns' });
    expect((await dns(1)).verdict).toMatchObject({ state: 'unreachable', reason: 'dns' });
    expect((await dns(2)).verdict).toMatchObject({ state: 'unreachable', reason: 'dns' });
    expect((await dns(3)).verdict).toMatchObject({ state: 'unreachable', reason: 'dns' });
    expect((await dns(4)).verdict).toMatchObject({ state: 'vanished', reason: 'unreachable-dns' });
    expect((await check(s, { at: day(5), html: V1 })).verdict).toMatchObject({ state: 'ok', reason: null });
  });

  it('compares content that returns after a long outage with the last content recorded before it', async () => {
    const s = await seedSource(db, 'https://flaky.example.com/reports/ledger-long-outage', []);
    await check(s, { at: day(0), html: V1 });
    for (let h = 1; h <= 24; h++)
      await addCapture(db, s, { at: new Date(T0 + h * 3_600_000), outcome: 'network-error', errorKind: 'timeout' });
    expect((await settleSource(db, CONFIG, s.id)).verdict).toMatchObject({ state: 'unreachable', reason: 'timeout' });
    const back = await check(s, { at: day(2), html: V2 });
    expect(back.verdict.state).toBe('changed');
    const [change] = await db.select().from(changes).where(eq(changes.id, back.verdict.changeId!));
    expect(change.removed.join(' ')).toContain('4 million');
  });

  it("reads a batch's rows in one go as each source alone: its newest 20 captures oldest first, their snapshots, its latest states", async () => {
    const long = await seedSource(db, 'https://batch.example.com/reports/long-history', []);
    const bare = await seedSource(db, 'https://batch.example.com/reports/never-checked', []);
    await check(long, { at: day(0), html: V1 });
    for (let n = 1; n <= 22; n++) await addCapture(db, long, n === 11 ? { at: day(n), status: 404 } : { at: day(n), html: V1 });
    const read = await readSettleRows(db, [long.id, bare.id, 999_999]);
    expect([...read.keys()].sort()).toEqual([long.id, bare.id].sort());
    const rows = read.get(long.id)!.history.rows;
    expect(rows.map((r) => r.startedAt.getTime())).toEqual(Array.from({ length: 20 }, (_, i) => day(i + 3).getTime()));
    expect(rows.every((r) => r.snapshotId === null || read.get(long.id)!.history.snaps.has(r.snapshotId))).toBe(true);
    expect(read.get(long.id)!.states).toMatchObject({ latest: { state: 'ok' }, lastContent: { state: 'ok' } });
    expect(read.get(bare.id)).toMatchObject({ history: { rows: [] }, states: { latest: null, lastContent: null } });
    const batched = await settleSource(db, CONFIG, long.id, read.get(long.id));
    const alone = await settleSource(db, CONFIG, long.id);
    expect(batched).toEqual(alone);
    expect(batched).toMatchObject({ moved: false, verdict: { state: 'ok' } });
  });

  it('settles a stored batch in one go, and when one source cannot be settled keeps its capture and settles the others', async () => {
    const [a, b, c] = [
      await seedSource(db, 'https://batch.example.com/settle/a', []),
      await seedSource(db, 'https://batch.example.com/settle/b', []),
      await seedSource(db, 'https://batch.example.com/settle/c', []),
    ];
    const batch = async (n: number) =>
      storeAndSettle(db, CONFIG, await Promise.all([a, b, c].map((s) => captureInput(s, { at: day(n), html: n ? V2 : V1 }))));
    const first = await batch(0);
    expect([first.updates.map((u) => [u.sourceId, u.verdict.state]), first.failures]).toEqual([
      [
        [a.id, 'ok'],
        [b.id, 'ok'],
        [c.id, 'ok'],
      ],
      [],
    ]);
    // A real failure inside the database: b's next state cannot be recorded.
    await db.execute(
      sql.raw(`create function refuse_b() returns trigger language plpgsql as $$ begin
        if new.source_id = ${b.id} then raise exception 'no state for source %', new.source_id; end if; return new; end $$`),
    );
    await db.execute(sql`create trigger refuse_b before insert on source_states for each row execute function refuse_b()`);
    try {
      const second = await batch(1);
      expect(second.rows).toHaveLength(3);
      expect(second.failures).toEqual([{ sourceId: b.id, message: expect.stringContaining(`no state for source ${b.id}`) }]);
      expect(second.updates.map((u) => [u.sourceId, u.verdict.state])).toEqual([
        [a.id, 'changed'],
        [c.id, 'changed'],
      ]);
      expect((await history(b.id)).map((h) => h.state)).toEqual(['ok']);
      expect(await db.select({ id: captures.id }).from(captures).where(eq(captures.sourceId, b.id))).toHaveLength(2);
    } finally {
      await db.execute(sql`drop trigger refuse_b on source_states`);
    }
  });

  it('keeps blocked sources blocked however long, and lists open flags most important first', async () => {
    const s = await seedSource(db, 'https://walled.example.com/investigations/offshore-files', ['e-loan']);
    await check(s, { at: day(0), html: V1 });
    for (let n = 1; n <= 6; n++)
      expect((await check(s, { at: day(n), status: 403 })).verdict).toMatchObject({ state: 'blocked', reason: 'http-403' });
    const open = await listFlags(db);
    expect(open.map((f) => f.eventId)).toEqual(['e-shells', 'e-gone', 'e-loan']);
    expect(open.every((f) => f.state === 'open')).toBe(true);
    expect((await listFlags(db, { all: true })).map((f) => f.state)).toEqual([
      'open',
      'open',
      'open',
      'resolved',
      'dismissed',
      'dismissed',
    ]);
  });
});
