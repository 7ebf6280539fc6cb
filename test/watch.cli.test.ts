import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { BIN, cliEnv, runCli } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

describe(`citewatch watch (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({ hosts: { 'w.example': { pages: { '/page': { kind: 'front', title: 'Watched page' } } } } });
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-watch-'));
    env = cliEnv(home, database.url, { CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE, CITEWATCH_HOST_DELAY_MS: '50' });
    writeFileSync(
      path.join(home, 'e.md'),
      `---\nid: watched\ntitle: Watched\nsources:\n- url: ${web.url('w.example', '/page')}\n---\nA claim.\n`,
    );
    expect((await runCli(['ingest', path.join(home, 'e.md')], env)).code).toBe(0);
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs passes on its schedule, one JSON line each, and exits 0 on Ctrl-C', async () => {
    const child = spawn(BIN, ['--json', 'watch', '--schedule', '* * * * * *'], { env });
    let stdout = '';
    const twoPasses = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.split('\n').filter(Boolean).length >= 2) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await twoPasses;
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const passes = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    // The first pass checks the due source; the next ones find nothing due yet.
    expect(passes[0].checked).toBe(1);
    expect(passes[0].stateMoves).toEqual({ ok: 1 });
    expect(passes[1].checked).toBe(0);
    expect(web.log.filter((r) => r.path === '/page')).toHaveLength(1);
  });
});
