import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/loadConfig.js';
import { citations, flags, signInFailures } from '../src/db/schema/index.js';
import { createApp } from '../src/server/createApp.js';
import { signInWaitMs } from '../src/server/auth/signInThrottle.js';
import { addUser } from '../src/server/auth/users.js';
import { settleSource } from '../src/watch/settleSource.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { cookieHeader, csrfOf, get, post, signIn, type Browser } from './helpers/server.js';
import { addCapture, articleHtml, seedEvent, seedSource } from './helpers/sourceHistory.js';

const PASSWORD = 'correct horse battery';
const XSS_TITLE = 'Bank <script>alert("title")</script> fined <img src=x onerror=alert(1)>';
const XSS_CITATION = '"><script>alert("citation")</script>';
const XSS_TEXT = '&lt;script&gt;alert("page")&lt;/script&gt;';
const MINUTE = 60_000;

describe(`review app security (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let clock = new Date('2026-05-01T12:00:00Z');
  const config = { ...defaultConfig({}), readAccess: 'signed-in' as const, cookieSecure: true };

  beforeAll(async () => {
    database = await openTestDatabase();
    const { db } = database;
    await seedEvent(db, { id: 'xss', title: XSS_TITLE, description: 'A fine of 4,500,000 euros <b>bold</b>', importance: 8 });
    const source = await seedSource(db, 'https://news.example.com/bank-fined', ['xss']);
    await db
      .update(citations)
      .set({ title: XSS_CITATION, archiveUrl: 'javascript:alert("archive")' })
      .where(eq(citations.sourceId, source.id));
    const paragraphs = (fine: string) => [
      `The bank paid a fine of ${fine} euros, the regulator said on Tuesday in a statement.`,
      `A reader wrote ${XSS_TEXT} in the comments, which the page printed as text.`,
      'The managers responsible for the accounts were replaced during the following months.',
    ];
    await addCapture(db, source, { at: new Date('2026-04-01T00:00:00Z'), html: articleHtml('Bank fined', paragraphs('4,500,000')) });
    await settleSource(db, config, source.id);
    await addCapture(db, source, { at: new Date('2026-04-02T00:00:00Z'), html: articleHtml('Bank fined', paragraphs('5,400,000')) });
    await settleSource(db, config, source.id);
    await addUser(db, 'ana', 'editor', PASSWORD);
    await addUser(db, 'vic', 'viewer', PASSWORD);
    app = await createApp({ db, config, now: () => clock });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('sends a browser without a session to sign in, and answers anything else 401', async () => {
    const page = await get(app, { cookies: {} }, '/events/xss');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Fevents%2Fxss');
    expect((await app.inject({ url: '/api/flags' })).statusCode).toBe(401);
  });

  it('shows titles, citations and page text from the data as text, never markup', async () => {
    const ana = await signIn(app, 'ana', PASSWORD);
    for (const url of ['/', '/events/xss']) {
      const res = await get(app, ana, url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<script>alert');
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).not.toMatch(/href="javascript:/i);
      expect(res.body).toContain('Bank &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; fined &lt;img src=x onerror=alert(1)&gt;');
    }
    const event = await get(app, ana, '/events/xss');
    expect(event.body).toContain('&quot;&gt;&lt;script&gt;alert(&quot;citation&quot;)&lt;/script&gt;');
    expect(event.body).toContain('&lt;script&gt;alert(&quot;page&quot;)&lt;/script&gt;');
    expect(event.body).toContain('<span class="url">javascript:alert(&quot;archive&quot;)</span>');
    const csp = String(event.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect([...event.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/static/keys.js" defer>']);
    expect(event.body).not.toMatch(/<[^>]*\s(style|on[a-z]+)=/i);
  });

  it('sets the session cookie HttpOnly, SameSite and Secure, and keeps only its hash', async () => {
    const b: Browser = { cookies: {} };
    const form = await get(app, b, '/sign-in');
    const res = await post(app, b, '/sign-in', { name: 'ana', password: PASSWORD, next: '//evil.example/x', _csrf: csrfOf(form.body) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('citewatch_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    const token = b.cookies.citewatch_session;
    const { userSessions } = await import('../src/db/schema/index.js');
    const stored = await database.db.select().from(userSessions);
    expect(stored.some((s) => s.tokenHash === token)).toBe(false);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.tokenHash))).toBe(true);
  });

  it('refuses a decision without a session, without the CSRF token, with another session’s token, and from a viewer (403)', async () => {
    const ana = await signIn(app, 'ana', PASSWORD);
    const vic = await signIn(app, 'vic', PASSWORD);
    const anaToken = csrfOf((await get(app, ana, '/events/xss')).body);
    const vicToken = csrfOf((await get(app, vic, '/events/xss')).body);
    const decision = { action: 'dismiss', note: 'harmless' };
    const url = '/events/xss/decisions';
    expect((await post(app, { cookies: {} }, url, { ...decision, _csrf: anaToken })).statusCode).toBe(403);
    expect((await post(app, { cookies: {} }, url, {})).statusCode).toBe(403);
    expect((await post(app, ana, url, decision)).statusCode).toBe(403);
    expect((await post(app, ana, url, { ...decision, _csrf: vicToken })).statusCode).toBe(403);
    expect((await post(app, vic, url, { ...decision, _csrf: vicToken })).statusCode).toBe(403);
    const json = await app.inject({
      method: 'POST',
      url,
      headers: { cookie: cookieHeader(ana), 'content-type': 'application/json' },
      payload: decision,
    });
    expect(json.statusCode).toBe(403);
    const [flag] = await database.db.select().from(flags).where(eq(flags.eventId, 'xss'));
    expect(flag.status).toBe('open');
    // The same form with the right token goes through: the refusals above were about the token and role.
    expect((await post(app, ana, url, { ...decision, _csrf: anaToken })).statusCode).toBe(303);
  });

  it('refuses a sign-in form without its CSRF token', async () => {
    const res = await post(app, { cookies: {} }, '/sign-in', { name: 'ana', password: PASSWORD });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a wrong password, then slows repeated attempts, even with the right password, until the wait is over', async () => {
    const attempt = async (password: string) => {
      const b: Browser = { cookies: {} };
      const form = await get(app, b, '/sign-in');
      return post(app, b, '/sign-in', { name: 'vic', password, next: '/', _csrf: csrfOf(form.body) });
    };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt('not the password')).statusCode);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses[3]).toBe(429);
    const slowed = await attempt(PASSWORD);
    expect(slowed.statusCode).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    expect(slowed.body).toContain('Too many failed attempts');
    clock = new Date(clock.getTime() + 16 * MINUTE);
    expect((await attempt(PASSWORD)).statusCode).toBe(303);
    expect(await database.db.select().from(signInFailures).where(eq(signInFailures.name, 'vic'))).toEqual([]);
  });
});

describe('sign-in slowing policy', () => {
  const now = new Date('2026-05-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it.each([
    ['no failures', [], 0],
    ['three recent failures: free', [ago(1000), ago(2000)], 0],
    ['three failures, the last 1 s ago: 1 s more', [ago(1000), ago(2000), ago(3000)], 1000],
    ['four failures: twice as long', [ago(1000), ago(2000), ago(3000), ago(4000)], 3000],
    ['old failures do not count', [ago(20 * MINUTE), ago(30 * MINUTE), ago(40 * MINUTE)], 0],
    ['capped at five minutes', Array.from({ length: 20 }, (_, i) => ago(i)), 5 * MINUTE],
  ])('%s', (_label, failures, wait) => {
    expect(signInWaitMs(failures as Date[], now)).toBe(wait);
  });
});
