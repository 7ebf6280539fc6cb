import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/loadConfig.js';
import { openDatabase, type Database } from '../src/db/open.js';
import { createToken, findTokenHolder, listTokens, revokeToken } from '../src/server/auth/apiTokens.js';
import { createApp } from '../src/server/createApp.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

/** Who may read: readAccess open or signed-in, API tokens made and revoked from the command line. */
describe(`reading the API with a token (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  const home = mkdtempSync(path.join(tmpdir(), 'citewatch-tokens-'));
  const config = (readAccess: 'open' | 'signed-in') => ({ ...loadConfig({ env: { CITEWATCH_HOME: home } }), readAccess });

  /** The CLI's database, between two runs: the test server's on PostgreSQL, its own home on the embedded one. */
  const withCliDatabase = async <T>(use: (db: Database['db']) => Promise<T>): Promise<T> => {
    if (database.url) return use(database.db);
    const opened = await openDatabase({ home });
    try {
      return await use(opened.db);
    } finally {
      await opened.close();
    }
  };

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('lets anyone read when readAccess is open, and only a live token holder when it is signed-in', async () => {
    const open = await createApp({ db: database.db, config: config('open') });
    expect((await open.inject({ url: '/api/events' })).statusCode).toBe(200);
    await open.close();
    const t0 = new Date('2025-03-01T12:00:00Z');
    const app = await createApp({ db: database.db, config: config('signed-in'), now: () => t0 });
    const token = await createToken(database.db, 'archivist-script');
    const read = (url: string, bearer?: string) =>
      app.inject({ url, headers: { accept: 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) } });
    for (const url of [
      '/api/events',
      '/api/openapi.json',
      '/memento/timegate/https://a.example/',
      '/replay/20250101000000/https://a.example/',
    ]) {
      const refused = await read(url);
      expect([url, refused.statusCode]).toEqual([url, 401]);
      expect(refused.json().error).toMatch(/API token/);
      expect([url, (await read(url, `${token}x`)).statusCode]).toEqual([url, 401]);
      expect([url, (await read(url, token)).statusCode]).not.toEqual([url, 401]);
    }
    expect((await listTokens(database.db)).find((t) => t.name === 'archivist-script')?.lastUsedAt).toEqual(t0);
    await revokeToken(database.db, 'archivist-script');
    expect((await read('/api/events', token)).statusCode).toBe(401);
    expect(await findTokenHolder(database.db, token)).toBeNull();
    await app.close();
  });

  // Each run of the CLI opens (and on first use migrates) its database: generous time on a shared machine.
  it('makes, lists and revokes tokens from the command line, showing a token once and never storing it', { timeout: 600_000 }, async () => {
    const env = cliEnv(home, database.url);
    const added = await runCli(['tokens', 'add', 'ci-bot'], env);
    expect([added.code, added.stderr]).toEqual([0, expect.stringContaining('shown this once')]);
    const token = added.stdout.trim();
    expect(token).toMatch(/^cwt_[\w-]{43}$/);
    const again = await runCli(['tokens', 'add', 'ci-bot'], env);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('a token named "ci-bot" exists already')]);
    const listed = JSON.parse((await runCli(['tokens', 'list', '--json'], env)).stdout) as { name: string }[];
    expect(listed.filter((t) => t.name === 'ci-bot')).toEqual([
      { name: 'ci-bot', createdAt: expect.any(String), lastUsedAt: null, revokedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await withCliDatabase((db) => findTokenHolder(db, token))).toEqual({ id: expect.any(Number), name: 'ci-bot' });
    expect((await runCli(['tokens', 'revoke', 'ci-bot'], env)).code).toBe(0);
    expect(await withCliDatabase((db) => findTokenHolder(db, token))).toBeNull();
    const tokens = await withCliDatabase((db) => listTokens(db));
    expect(tokens.find((t) => t.name === 'ci-bot')?.revokedAt).toBeInstanceOf(Date);
  });
});
