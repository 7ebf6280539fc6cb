import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/open.js';
import { alerts } from '../src/db/schema/index.js';
import { attemptsOf, insertAlert } from './helpers/alerts.js';
import { cliEnv } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind } from './helpers/db.js';
import { REPO } from './helpers/paths.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/receivers.js';

const CHILD = path.join(REPO, 'test/helpers/notifyChild.ts');
const KEYS = ['crash-1', 'crash-2', 'crash-3', 'crash-4', 'crash-5'];

describe(`notify killed with SIGKILL mid-delivery (${testDatabaseKind})`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let receiver: WebhookReceiver;
  let open: () => Promise<Database>;
  const configFile = () => path.join(home, 'alerts.json');

  const startChild = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, configFile()], { env, cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
    );
    return { child, exited };
  };

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-alerts-crash-'));
    // The third request is held open until its sender dies; every other one is answered at once.
    receiver = await startWebhookReceiver((n) => (n === 2 ? 'hang' : { status: 200 }));
    writeFileSync(
      configFile(),
      JSON.stringify({ channels: [{ name: 'desk', type: 'webhook', url: receiver.url, timeoutMs: 120_000, retryBaseMs: 1000 }] }),
    );
    let database: Database;
    if (testDatabaseKind === 'postgres') {
      const test = await openTestDatabase();
      env = cliEnv(home, test.url);
      database = test;
      open = async () => ({ ...test, close: async () => {} });
      afterAll(() => test.close());
    } else {
      env = cliEnv(home, undefined);
      database = await openDatabase({ home });
      open = () => openDatabase({ home });
    }
    for (const key of KEYS) await insertAlert(database.db, 'desk', key);
    // The embedded database belongs to one process: the children can only open it once this closes.
    if (testDatabaseKind === 'pglite') await database.close();
  });
  afterAll(async () => {
    await receiver?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('loses nothing and processes every alert once per key after a restart', { timeout: 420_000 }, async () => {
    const first = startChild();
    await receiver.waitForHits(3);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(receiver.hits.map((h) => h.key)).toEqual(KEYS.slice(0, 3));

    const second = await startChild().exited;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    // The restart takes over the dead worker's lease at once and sends the cut delivery again, same key.
    expect(JSON.parse(second.stdout)).toMatchObject({ attempted: 3, delivered: 3, failed: 0 });
    expect(receiver.hits.map((h) => h.key)).toEqual([...KEYS.slice(0, 3), 'crash-3', 'crash-4', 'crash-5']);
    expect([...receiver.processed.entries()].sort()).toEqual(KEYS.map((k) => [k, 1]));

    const database = await open();
    try {
      const rows = await database.db.select().from(alerts).orderBy(alerts.id);
      expect(rows.map((r) => [r.idempotencyKey, r.status, r.attempts])).toEqual(KEYS.map((k) => [k, 'delivered', 1]));
      for (const row of rows) expect((await attemptsOf(database.db, row.id)).map((a) => a.ok)).toEqual([true]);
    } finally {
      await database.close();
    }
  });
});
