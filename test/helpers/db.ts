import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import { openDatabase, openPostgres, wrapPglite, type Database } from '../../src/db/open.js';
import { databaseUrlFor } from './postgresUrl.js';

export type TestDatabase = Database & {
  /** A DATABASE_URL for child processes (the CLI under test), or undefined on PGlite. */
  url?: string;
};

/** Which database the suite runs on: 'postgres' when TEST_DATABASE_URL is set, else 'pglite'. */
export const testDatabaseKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh, migrated, empty database for one test file. Close it in afterAll. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) return openServerCopy(serverUrl, inject('postgresTemplate'));
  const dump = readFileSync(inject('pgliteTemplate'));
  const client = await PGlite.create({ loadDataDir: new Blob([dump]) });
  return wrapPglite(client, 'memory://test');
}

/**
 * The database a CLI child process shares with its test, opened for the test to seed: on PostgreSQL a
 * fresh copy (its URL set in `env.DATABASE_URL`, dropped after the file), on PGlite the home's embedded
 * one, which the test must close before the CLI can open it. `reopen` opens it again to read what the
 * CLI wrote (on PostgreSQL it lends the same connection, and its close does nothing).
 */
export async function openCliDatabase(
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<{ database: Database; reopen: () => Promise<Database> }> {
  if (testDatabaseKind === 'postgres') {
    const test = await openTestDatabase();
    env.DATABASE_URL = test.url;
    afterAll(() => test.close());
    return { database: test, reopen: async () => ({ ...test, close: async () => {} }) };
  }
  return { database: await openDatabase({ home }), reopen: () => openDatabase({ home }) };
}

async function openServerCopy(serverUrl: string, template: string): Promise<TestDatabase> {
  const name = `citewatch_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  // Two files copying the template at the same moment can collide; the copy is retried.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
      break;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = databaseUrlFor(serverUrl, name);
  const database = await openPostgres(url);
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
