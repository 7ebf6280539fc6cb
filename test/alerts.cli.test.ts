import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { refusedUrl, startWebhookReceiver, type WebhookReceiver } from './helpers/receivers.js';

describe(`citewatch alerts (${testDatabaseKind})`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let hook: WebhookReceiver;
  let database: TestDatabase | undefined;
  const cli = (...args: string[]) => runCli(['--config', path.join(home, 'alerts.json'), ...args], env);

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-alerts-cli-'));
    hook = await startWebhookReceiver(() => ({ status: 200 }));
    writeFileSync(
      path.join(home, 'alerts.json'),
      JSON.stringify({
        channels: [
          { name: 'desk', type: 'webhook', url: hook.url },
          { name: 'down', type: 'webhook', url: await refusedUrl(), timeoutMs: 5000 },
        ],
      }),
    );
    if (testDatabaseKind === 'postgres') database = await openTestDatabase();
    env = cliEnv(home, database?.url);
  });
  afterAll(async () => {
    await hook?.close();
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('sends a test message and says how it went; names an unknown channel', { timeout: 420_000 }, async () => {
    const ok = await cli('alerts', 'test', 'desk');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^test message delivered to desk \(status 200, \d+ ms, key test-\d+\)\n$/);
    expect(hook.hits).toHaveLength(1);
    expect(JSON.parse(hook.hits[0].body)).toMatchObject({ version: 1, kind: 'test', channel: 'desk' });

    const down = await cli('alerts', 'test', 'down');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^citewatch: test message to down failed \(\d+ ms\): .*ECONNREFUSED.*it stays pending and the notify job retries it\n$/,
    );

    const unknown = await cli('alerts', 'test', 'nope');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toBe('citewatch: no channel named "nope" in the configuration (channels: desk, down)\n');
  });

  it('lists recent alerts with their delivery, and status shows the failing channel', { timeout: 420_000 }, async () => {
    const listed = JSON.parse((await cli('--json', 'alerts')).stdout);
    expect(listed.map((a: { channel: string; status: string; attempts: number }) => [a.channel, a.status, a.attempts])).toEqual([
      ['down', 'pending', 1],
      ['desk', 'delivered', 1],
    ]);
    expect(listed[0].lastError).toMatch(/ECONNREFUSED/);
    const table = await cli('alerts', '--limit', '1');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/down\s+test\s+pending\s+1\s+connect ECONNREFUSED/);
    expect(table.stdout).not.toContain('desk');

    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /alerts to down: 1 pending \(oldest [^)]+\), 0 held for a digest, 0 delivered; FAILING, 1 attempt\(s\) since the last success: connect ECONNREFUSED/,
    );
    expect(status.stdout).toContain('alerts to desk: 0 pending, 0 held for a digest, 1 delivered\n');
    const json = JSON.parse((await cli('--json', 'status')).stdout);
    expect(json.channels.find((c: { channel: string }) => c.channel === 'down')).toMatchObject({ pending: 1, failuresSinceSuccess: 1 });
  });
});
