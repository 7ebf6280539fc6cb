import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Column, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { redactUrl } from '../config/redactUrl.js';
import { DatabaseError } from '../errors.js';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { homeInUse, tryHomeLock } from './homeLock.js';
import { sliceEventLoop } from './pgliteSlices.js';
import { readShareRecord } from './shareRecord.js';
import * as schema from './schema/index.js';
import type { StoreAndSettle } from '../watch/storeAndSettle.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The handle a `db.transaction` callback receives. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What every query accepts: the database itself, or a transaction on it. */
export type Queryable = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where it lives, for messages: a directory or the server URL without its password. */
  location: string;
  /** The socket this process lends the embedded database on (openDatabase with `lend`). */
  lentAt?: string;
  /**
   * Present when the embedded database runs on its own thread (openDatabase with `thread`): stores
   * and settles a crawl's batch there, next to PGlite (src/watch/storeAndSettle.ts).
   */
  storeAndSettle?: StoreAndSettle;
  close(): Promise<void>;
};

/** From the package root, not this module: it runs from src/ or from dist/src/. */
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');

/**
 * PGlite's PostgreSQL keeps its default 128MB of shared buffers inside the process: about 100 MiB
 * of the RSS of every command that opens the embedded database. The data files are read through the
 * OS's page cache anyway, and 16MB costs no measurable ingest or crawl throughput (docs/benchmarks.md).
 */
const SHARED_BUFFERS = '16MB';

/** Any fixed number: workers that open the same server at once apply migrations one at a time. */
const MIGRATION_LOCK_KEY = 7_130_515;

/**
 * Takes the session-level advisory lock (key, hashtext(name)) on a session of its own, kept until
 * the returned function is called: a reserved connection on PostgreSQL (a pooled one could carry
 * the lock off to other work), the only session on PGlite. The server drops it the moment that
 * session ends, so it lasts exactly as long as the process (or its connection). When another
 * session already holds it, that one proves the same thing and is left alone.
 */
export async function holdSessionLock(db: Db, key: number, name: string): Promise<() => Promise<void>> {
  return (await tryHoldSessionLock(db, key, name)).release;
}

/** holdSessionLock, also telling whether this session took the lock (false: another session holds it). */
export async function tryHoldSessionLock(db: Db, key: number, name: string): Promise<{ taken: boolean; release(): Promise<void> }> {
  const open = sessions.get(db);
  if (!open) throw new Error('holdSessionLock: this database was not opened by openDatabase');
  const session = await open();
  try {
    const [{ taken }] = await session.query<{ taken: boolean }>('select pg_try_advisory_lock($1::int, hashtext($2)) as taken', [key, name]);
    return {
      taken,
      release: async () => {
        try {
          if (taken) await session.query('select pg_advisory_unlock($1::int, hashtext($2))', [key, name]);
        } finally {
          session.release();
        }
      },
    };
  } catch (err) {
    session.release();
    throw err;
  }
}

/**
 * The reading side of holdSessionLock, for leases: true when no session holds the lock (key,
 * hashtext(name)), name being a column of the row, i.e. the worker that leased the row is gone.
 */
export function sessionLockGone(key: number, name: Column): SQL {
  return sql`not exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted
  and l.database = (select oid from pg_database where datname = current_database())
  and l.classid = ${key}::int::oid and l.objid = hashtext(${name})::oid and l.objsubid = 2)`;
}

type Session = { query<T>(text: string, params: unknown[]): Promise<T[]>; release(): void };

/** How each open database lends a session of its own (see holdSessionLock). */
const sessions = new WeakMap<Db, () => Promise<Session>>();

/** Rows of a raw query, whatever the driver (PGlite answers {rows}, postgres.js an array). */
export async function queryRows<T = Record<string, unknown>>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export type OpenOptions = {
  /** Lend the embedded database to other citewatch processes while it is open (the service does). */
  lend?: boolean;
  /**
   * Run the embedded database on a worker thread of its own, reached through a socket (crawls: its
   * WebAssembly then leaves the main thread to fetching and parsing). Ignored for a server.
   */
  thread?: boolean;
  /**
   * V8 compiles PGlite's PostgreSQL with its baseline compiler only (--liftoff-only): about 50 MiB
   * less memory, less CPU for a command that runs a second or two (status, a listing, an ingest), some
   * more for one that runs for minutes. Process-wide and for good, so only for a process that opens
   * one database. Ignored for a server.
   */
  lean?: boolean;
};

/** Opens PostgreSQL when databaseUrl is set, otherwise the embedded PGlite under home/db. Migrates. */
export async function openDatabase(config: { home: string; databaseUrl?: string }, options: OpenOptions = {}): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openEmbedded(config.home, options);
}

export async function openPostgres(url: string): Promise<Database> {
  const location = redactUrl(url);
  try {
    await migrateServer(url);
  } catch (err) {
    throw new DatabaseError(`cannot open the PostgreSQL database at ${location}: ${(err as Error).message}`, { cause: err });
  }
  return wrapPostgres(postgres(url, { max: 10, onnotice: () => {} }), 'postgres', location);
}

/** A postgres.js client as a Database: a server's, or (kind pglite) the one a running watch lends. */
export function wrapPostgres(client: postgres.Sql, kind: Database['kind'], location: string): Database {
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  sessions.set(db, async () => {
    const reserved = await client.reserve();
    return {
      query: async <T>(text: string, params: unknown[]) => (await reserved.unsafe(text, params as never[])) as unknown as T[],
      release: () => reserved.release(),
    };
  });
  return { db, kind, location, close: () => client.end({ timeout: 5 }) };
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

/**
 * The embedded database under home/db, held by this process; or, while a `citewatch watch` holds it,
 * the same database through the socket that watch lends it on (src/db/shareServer.ts). Any other
 * holder (a crawl, an ingest) keeps it to itself, as before: exit 69.
 */
async function openEmbedded(home: string, { lend = false, thread = false, lean = false }: OpenOptions): Promise<Database> {
  const dataDir = path.join(home, 'db');
  mkdirSync(home, { recursive: true });
  const releaseLock = tryHomeLock(home);
  if (typeof releaseLock === 'number') {
    const share = readShareRecord(home, releaseLock);
    if (!share) throw homeInUse(home, releaseLock);
    const { openShared } = await import('./shareClient.js');
    return openShared(share, dataDir);
  }
  const sharing = lend || thread ? await import('./shareServer.js') : null;
  // Announced before the slow part (open, migrate), so commands started meanwhile wait for it.
  const reservation = lend ? sharing?.reserveShare(home) : sharing?.privateShare();
  // Before the WebAssembly is compiled, here or on the database's thread.
  if (lean) setFlagsFromString('--liftoff-only');
  try {
    if (thread && reservation) {
      const { openOnThread } = await import('./pgliteOnThread.js');
      const database = await openOnThread(dataDir, reservation.record, async () => {
        reservation.cancel();
        releaseLock();
      });
      return lend ? { ...database, lentAt: reservation.record.socket } : database;
    }
    // On this thread PGlite shares the event loop with whatever the command does (a crawl's fetching).
    const client = sliceEventLoop(await startPglite(dataDir));
    let stopSharing = async () => {};
    const database = await wrapPglite(client, dataDir, async () => {
      await stopSharing();
      await client.close();
      releaseLock();
    });
    if (!sharing || !reservation) return database;
    const share = await sharing.startShareServer(client, reservation).catch(async (err) => {
      await client.close();
      throw err;
    });
    stopSharing = share.close;
    return { ...database, lentAt: share.record.socket };
  } catch (err) {
    reservation?.cancel();
    releaseLock();
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(`cannot open the embedded database in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
}

/** PGlite on dataDir (created on first use), with our shared buffers. */
export function startPglite(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`] });
}

/** Wraps an already created PGlite (tests load a migrated template into one), migrating it if needed. */
export async function wrapPglite(client: PGlite, location: string, close?: () => Promise<void>): Promise<Database> {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  sessions.set(db, async () => ({
    query: async <T>(text: string, params: unknown[]) => (await client.query<T>(text, params)).rows,
    release: () => {},
  }));
  await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_DIR });
  return { db, kind: 'pglite', location, close: close ?? (() => client.close()) };
}
