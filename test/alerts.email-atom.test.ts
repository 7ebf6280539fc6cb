import { readFileSync } from 'node:fs';
import { DOMParser } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '../src/alerts/keys.js';
import { runNotify } from '../src/alerts/notify.js';
import { entryId, feedPath } from '../src/alerts/send/atom.js';
import { createApp } from '../src/server/createApp.js';
import { alertConfig, alertRow, attemptsOf, flagFacts, insertAlert, manualClock } from './helpers/alerts.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { decodeHeader, mailHeader, startSmtpReceiver, type SmtpReceiver } from './helpers/receivers.js';

describe(`e-mail and Atom delivery (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let db: TestDatabase['db'];
  let smtp: SmtpReceiver;

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db;
    // The first message is turned away with a temporary failure; later ones are taken.
    smtp = await startSmtpReceiver({ accept: (n) => (n === 0 ? 451 : true), auth: { user: 'alerts', pass: 'mail-pass-for-tests' } });
  });
  afterAll(async () => {
    await smtp?.close();
    await database?.close();
  });

  it('sends a multipart message over SMTP with auth, retrying a 451, with a Message-ID from the key', async () => {
    const config = alertConfig([
      {
        name: 'editors',
        type: 'email',
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpUser: 'alerts',
        smtpPasswordEnv: 'CW_TEST_SMTP_PASSWORD',
        from: 'citewatch@example.org',
        to: ['desk@example.org', 'night@example.org'],
        timeoutMs: 5000,
        retryBaseMs: 1000,
      },
    ]);
    const clock = manualClock();
    const env = { CW_TEST_SMTP_PASSWORD: 'mail-pass-for-tests' };
    const id = await insertAlert(db, 'editors', 'flag-7-src-3-vanished-since-9', {
      facts: flagFacts(7, 'Minister <b>denied</b> & "left"'),
    });
    expect(await runNotify({ db, config, env, now: clock.now, random: () => 0 })).toMatchObject({ failed: 1 });
    expect((await attemptsOf(db, id))[0]).toMatchObject({ ok: false, status: 451 });
    clock.advance(1000);
    expect(await runNotify({ db, config, env, now: clock.now, random: () => 0 })).toMatchObject({ delivered: 1 });
    expect((await attemptsOf(db, id)).map((a) => [a.ok, a.status])).toEqual([
      [false, 451],
      [true, 250],
    ]);
    expect(await alertRow(db, id)).toMatchObject({ status: 'delivered', attempts: 2 });

    const [mail] = await smtp.waitForMails(1);
    expect(mail).toMatchObject({ from: 'citewatch@example.org', to: ['desk@example.org', 'night@example.org'], user: 'alerts' });
    expect(mailHeader(mail.raw, 'Message-ID')).toBe(messageIdFor('editors', 'flag-7-src-3-vanished-since-9'));
    expect(decodeHeader(mailHeader(mail.raw, 'Subject') ?? '')).toBe('[citewatch] vanished (http-404): Minister <b>denied</b> & "left"');
    expect(mailHeader(mail.raw, 'Content-Type')).toMatch(/^multipart\/alternative/);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    const [textPart, htmlPart] = mail.raw.replace(/=\r?\n/g, '').split('Content-Type: text/html');
    expect(textPart).toContain('Minister <b>denied</b> & "left"');
    expect(textPart).toContain('citewatch flags resolve event-7');
    expect(htmlPart).toContain('Minister &lt;b&gt;denied&lt;/b&gt; &amp; &quot;left&quot;');
    expect(htmlPart).not.toContain('<b>denied</b>');
    expect(mail.raw).not.toContain('mail-pass-for-tests');
  });

  it('refuses to send when the password variable is unset, and keeps the alert', async () => {
    const config = alertConfig([
      {
        name: 'nopass',
        type: 'email',
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpUser: 'alerts',
        smtpPasswordEnv: 'CW_TEST_UNSET',
        from: 'a@example.org',
        to: ['b@example.org'],
      },
    ]);
    const id = await insertAlert(db, 'nopass', 'nopass-1');
    expect(await runNotify({ db, config, env: {} })).toMatchObject({ failed: 1 });
    expect(await alertRow(db, id)).toMatchObject({ status: 'pending', lastError: expect.stringContaining('CW_TEST_UNSET') });
  });

  it('writes the Atom feed of the latest entries atomically and serves it at /feed/<name>.atom', async () => {
    const config = alertConfig([{ name: 'public', type: 'atom', maxEntries: 2 }], {
      publicBaseUrl: 'https://cw.example.org',
      readAccess: 'open',
    });
    const start = Date.now();
    const keys = ['flag-1-src-1-vanished-since-1', 'flag-2-src-2-vanished-since-2', 'flag-3-src-3-vanished-since-3'];
    for (const [i, key] of keys.entries())
      await insertAlert(db, 'public', key, { facts: flagFacts(i + 1), at: new Date(start + i * 1000) });
    expect(await runNotify({ db, config, now: () => new Date(start + 10_000) })).toMatchObject({ delivered: 3 });

    const channel = config.channels[0];
    if (channel.type !== 'atom') throw new Error('atom channel expected');
    const xml = readFileSync(feedPath(config.home, channel), 'utf8');
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const entries = [...doc.querySelectorAll('entry')];
    // The newest two, newest first.
    expect(entries.map((e) => e.querySelector('id')?.textContent)).toEqual([entryId('public', keys[2]), entryId('public', keys[1])]);
    expect(entries.map((e) => e.querySelector('link')?.getAttribute('href'))).toEqual([
      'https://cw.example.org/events/event-3',
      'https://cw.example.org/events/event-2',
    ]);
    expect(entries[0].querySelector('title')?.textContent).toBe('[citewatch] vanished (http-404): Event number 3');
    expect(doc.querySelector('feed > id')?.textContent).toBe('https://cw.example.org/feed/public.atom');

    const app = await createApp({ db, config });
    try {
      const served = await app.inject({ method: 'GET', url: '/feed/public.atom' });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toMatch(/^application\/atom\+xml/);
      expect(served.body).toBe(xml);
      expect((await app.inject({ method: 'GET', url: '/feed/unknown.atom' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
