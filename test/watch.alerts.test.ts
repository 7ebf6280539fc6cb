import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_WEB_RANGE, type SimWeb } from '../src/simweb/index.js';
import { BIN, cliEnv, runCli } from './helpers/cli.js';
import { openTestDatabase, type TestDatabase, testDatabaseKind } from './helpers/db.js';
import { startRoundStoryWeb, writeRoundStoryEvents } from './helpers/roundStory.js';
import { mailHeader, type SmtpReceiver, startSmtpReceiver, startWebhookReceiver, type WebhookReceiver } from './helpers/receivers.js';

type LogLine = { job?: string; event: string; detail?: Record<string, unknown> };
type ListedAlert = { channel: string; idempotencyKey: string; status: string; eventId: string | null };
const MINUTES = 60_000;

/** `citewatch watch` as a child, its JSON log lines collected, with a way to wait for one. */
function startWatch(env: NodeJS.ProcessEnv) {
  const child: ChildProcessWithoutNullStreams = spawn(BIN, ['--json', 'watch'], { env });
  const lines: LogLine[] = [];
  const waiters: { test: (l: LogLine) => boolean; resolve: () => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    for (const text of complete.filter(Boolean)) {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const w of waiters.filter((w) => w.test(line))) w.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (test: (l: LogLine) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (lines.some(test)) return resolve();
      waiters.push({ test, resolve });
      exited.then(({ code }) => reject(new Error(`watch exited (${code}) first:\n${stderr}`)));
    });
  return { child, lines, exited, waitFor, stderr: () => stderr };
}

/**
 * The "done when", as a maintainer does it: `citewatch init`, edit the file it wrote, then
 * `citewatch watch`. The service ingests the timeline, crawls on its schedule, and alerts a webhook,
 * a mail box and an Atom feed of the flags a round change opens; killed with SIGKILL while a webhook
 * delivery hangs and started again, it still delivers every alert exactly once per channel.
 */
describe(`citewatch init && watch alerts every channel once, across a kill -9 (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let hook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startRoundStoryWeb();
    // The first webhook delivery is never answered: the service is killed while it waits.
    hook = await startWebhookReceiver((n) => (n === 0 ? 'hang' : { status: 200 }));
    smtp = await startSmtpReceiver({});
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-watch-alerts-'));
    const timeline = path.join(home, 'timeline');
    mkdirSync(timeline);
    writeRoundStoryEvents(timeline, web);
    env = cliEnv(home, database.url, { CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE });
  }, 10 * MINUTES);
  afterAll(async () => {
    await web?.close();
    await hook?.close();
    await smtp?.close();
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('ingests, crawls, flags and delivers one alert per flag episode and channel', { timeout: 4 * MINUTES }, async () => {
    const init = await runCli(['init'], env);
    expect(init.code).toBe(0);
    const file = path.join(home, 'citewatch.yaml');
    // What the maintainer adds under the commented settings init wrote: checks every few seconds.
    appendFileSync(
      file,
      [
        '',
        `timelinePaths: [${JSON.stringify(path.join(home, 'timeline'))}]`,
        'hostDelayMs: 50',
        'revisitMinIntervalMs: 1000',
        'revisitMaxIntervalMs: 2000',
        'revisitConfirmMs: 1000',
        'jobSchedules:',
        "  crawl: '* * * * * *'",
        "  ingest: '*/5 * * * * *'",
        "  notify: '* * * * * *'",
        "  digest: '0 0 1 1 *'",
        "  retention: '0 0 1 1 *'",
        'channels:',
        '  - { name: hook, type: webhook, url: "' + hook.url + '", timeoutMs: 300000, retryBaseMs: 1000 }',
        `  - { name: mail, type: email, smtpHost: 127.0.0.1, smtpPort: ${smtp.port}, from: cw@example.org, to: [desk@example.org] }`,
        '  - { name: atom, type: atom }',
        '',
      ].join('\n'),
    );
    const check = await runCli(['--json', 'config', 'check'], env);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ valid: true, file, settings: { hostDelayMs: { value: 50, from: 'file' } } });

    const first = startWatch(env);
    await first.waitFor((l) => l.job === 'crawl' && l.event === 'finished' && Number(l.detail?.checked) === 2);
    web.setRound(1);
    // The changed page opens both events' flags; their first alert reaches the webhook and hangs there.
    await hook.waitForHits(1);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });

    const second = startWatch(env);
    // Three episodes (shells: the story changed; loan: the story changed, then the wire story vanished), on three channels.
    await Promise.all([
      new Promise<void>((resolve) => {
        const poll = () => (hook.processed.size >= 3 ? resolve() : setTimeout(poll, 50));
        poll();
      }),
      smtp.waitForMails(3),
    ]);
    // Other commands work while the service holds the database.
    const listed = await runCli(['--json', 'alerts'], env);
    expect(listed.code).toBe(0);
    const flagged = await runCli(['--json', 'flags'], env);
    expect(flagged.code).toBe(0);
    const flagsOf = JSON.parse(flagged.stdout) as { eventId: string; sources: { state: string }[] }[];
    expect(flagsOf.map((f) => `${f.eventId}:${f.sources.map((s) => s.state).sort()}`).sort()).toEqual([
      'loan:changed,vanished',
      'shells:changed',
    ]);
    await second.waitFor((l) => l.job === 'notify' && l.event === 'finished');
    second.child.kill('SIGINT');
    expect(await second.exited).toMatchObject({ code: 0 });

    const all = JSON.parse((await runCli(['--json', 'alerts'], env)).stdout) as ListedAlert[];
    const keysOf = (channel: string) =>
      all
        .filter((a) => a.channel === channel)
        .map((a) => a.idempotencyKey)
        .sort();
    expect(all.every((a) => a.status === 'delivered')).toBe(true);
    const keys = keysOf('hook');
    expect(keys).toHaveLength(3);
    expect(keysOf('mail')).toEqual(keys);
    expect(keysOf('atom')).toEqual(keys);
    // Exactly once per channel: notify delivers one alert at a time, so the hanging one was the only one
    // in flight at the kill; the webhook got it again under the same key and processed it once.
    expect([...hook.processed.keys()].sort()).toEqual(keys);
    expect(hook.hits.filter((h) => h.key === hook.hits[0].key)).toHaveLength(2);
    expect(hook.hits).toHaveLength(4);
    expect(smtp.mails).toHaveLength(3);
    expect(new Set(smtp.mails.map((m) => mailHeader(m.raw, 'Message-ID'))).size).toBe(3);
    const feedFile = path.join(home, 'feeds', 'atom.atom');
    expect(existsSync(feedFile)).toBe(true);
    const ids = [...readFileSync(feedFile, 'utf8').matchAll(/<id>urn:citewatch:atom:([^<]+)<\/id>/g)].map((m) => m[1]).sort();
    expect(ids).toEqual(keys);
  });
});
