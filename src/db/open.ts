import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { DatabaseError } from '../errors.js';
import { acquireHomeLock } from './homeLock.js';
import * as schema from './schema/index.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The handle a `db.transaction` callback receives. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where it lives, for messages: a directory or the server URL without its password. */
  location: string;
  close(): Promise<void>;
};

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Any fixed number: workers that open the same server at once apply migrations one at a time. */
const MIGRATION_LOCK_KEY = 7_130_515;

/** Rows of a raw query, whatever the driver (PGlite answers {rows}, postgres.js an array). */
export async function queryRows<T = Record<string, unknown>>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Opens PostgreSQL when databaseUrl is set, otherwise the embedded PGlite under home/db. Migrates. */
export async function openDatabase(config: { home: string; databaseUrl?: string }): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openEmbedded(config.home);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

export async function openPostgres(url: string): Promise<Database> {
  const location = redactUrl(url);
  try {
    await migrateServer(url);
  } catch (err) {
    throw new DatabaseError(`cannot open the PostgreSQL database at ${location}: ${(err as Error).message}`, { cause: err });
  }
  const client = postgres(url, { max: 10, onnotice: () => {} });
  return {
    db: drizzlePostgres(client, { schema }) as unknown as Db,
    kind: 'postgres',
    location,
    close: () => client.end({ timeout: 5 }),
  };
}

async function migrateServer(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_DIR });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function openEmbedded(home: string): Promise<Database> {
  const dataDir = path.join(home, 'db');
  mkdirSync(home, { recursive: true });
  const releaseLock = acquireHomeLock(home);
  try {
    const client = await PGlite.create(dataDir);
    return await wrapPglite(client, dataDir, async () => {
      await client.close();
      releaseLock();
    });
  } catch (err) {
    releaseLock();
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(`cannot open the embedded database in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
}

/** Wraps an already created PGlite (tests load a migrated template into one), migrating it if needed. */
export async function wrapPglite(client: PGlite, location: string, close?: () => Promise<void>): Promise<Database> {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_DIR });
  return { db, kind: 'pglite', location, close: close ?? (() => client.close()) };
}

/** A cheap round trip, for health checks. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
