import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { REPO } from './helpers/paths.js';

/** The CLI with its password on stdin, as a script would give it. */
function withStdin(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env, cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe(`citewatch users / reviews (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await openTestDatabase();
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-users-cli-'));
    env = cliEnv(home, database.url);
  });
  afterAll(async () => {
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('adds accounts with a password from stdin, lists them, and removes one', { timeout: 600_000 }, async () => {
    expect(await withStdin(['users', 'add', 'ana', '--role', 'editor'], env, 'a long password here\n')).toMatchObject({
      code: 0,
      stdout: 'user ana added (editor)\n',
    });
    expect(await withStdin(['users', 'add', 'vic', '--role', 'viewer'], env, 'another long password\n')).toMatchObject({ code: 0 });
    const short = await withStdin(['users', 'add', 'bob'], env, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('a password needs at least 10 characters (user bob)');
    const badRole = await withStdin(['users', 'add', 'eve', '--role', 'root'], env, 'a long password here\n');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of viewer, editor, admin, got "root"');
    const twice = await withStdin(['users', 'add', 'ana'], env, 'a long password here\n');
    expect(twice.stderr).toContain('a user named "ana" exists already');
    const listed = JSON.parse((await runCli(['--json', 'users', 'list'], env)).stdout) as { name: string; role: string }[];
    expect(listed.map((u) => [u.name, u.role])).toEqual([
      ['ana', 'editor'],
      ['vic', 'viewer'],
    ]);
    expect((await runCli(['users', 'remove', 'vic'], env)).code).toBe(0);
    const gone = await runCli(['users', 'remove', 'vic'], env);
    expect(gone.code).toBe(4);
    expect((await runCli(['users', 'list'], env)).stdout).not.toContain('vic');
    const reviews = await runCli(['--json', 'reviews'], env);
    expect(reviews).toMatchObject({ code: 0 });
    expect(JSON.parse(reviews.stdout)).toEqual([]);
  });
});
