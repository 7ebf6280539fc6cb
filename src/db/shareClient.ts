import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { DatabaseError } from '../errors.js';
import { isAlive } from './homeLock.js';
import { MIGRATIONS_DIR, wrapPostgres, type Database } from './open.js';
import type { ShareRecord } from './shareRecord.js';

/**
 * How long a command waits to be let in: the service hands the database out one unit of work at a
 * time (its own passes included), so a command queues behind a long transaction instead of failing.
 */
const CONNECT_TIMEOUT_S = 120;
const SOCKET_POLL_MS = 100;

/**
 * Opens the embedded database through the socket a running `citewatch watch` lends it on. No
 * migrations: the service applied them when it opened the database, and it alone may write the
 * schema; a command newer than the running service says so instead of working on an old schema.
 * Two connections: one may be reserved for a session lock (a crawl's liveness) while the other works.
 * No named prepared statements: every client shares PGlite's one backend session, where names collide.
 */
export async function openShared(record: ShareRecord, dataDir: string): Promise<Database> {
  const location = `${dataDir}, shared by citewatch watch (pid ${record.pid})`;
  await socketReady(record);
  const client = socketClient(record.socket, 2, { connect_timeout: CONNECT_TIMEOUT_S });
  try {
    await checkSchema(client, record);
  } catch (err) {
    await client.end({ timeout: 1 });
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(
      `cannot reach the embedded database shared by citewatch watch (pid ${record.pid}) at ${record.socket}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return wrapPostgres(client, 'pglite', location);
}

/**
 * A postgres.js client of the embedded database served on a unix socket (shareServer.ts). No named
 * prepared statements: every client shares PGlite's one backend session, where names collide.
 */
export function socketClient(socket: string, max: number, options: { connect_timeout?: number } = {}): postgres.Sql {
  return postgres({ path: socket, username: 'postgres', database: 'postgres', max, prepare: false, onnotice: () => {}, ...options });
}

async function checkSchema(client: postgres.Sql, record: ShareRecord): Promise<void> {
  const [{ latest }] = await client<{ latest: string | null }[]>`select max(created_at)::text as latest from drizzle.__drizzle_migrations`;
  const wanted = Math.max(...readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => m.folderMillis));
  if (Number(latest ?? 0) < wanted)
    throw new DatabaseError(
      `the running citewatch watch (pid ${record.pid}) serves an older database schema than this citewatch; restart the service to migrate it`,
    );
}

/** The service announces its socket before it has opened and migrated the database: wait for it to listen. */
async function socketReady(record: ShareRecord): Promise<void> {
  const deadline = Date.now() + CONNECT_TIMEOUT_S * 1000;
  while (!existsSync(record.socket)) {
    if (!isAlive(record.pid))
      throw new DatabaseError(`citewatch watch (pid ${record.pid}) stopped while opening the embedded database; run the command again`);
    if (Date.now() > deadline)
      throw new DatabaseError(`citewatch watch (pid ${record.pid}) has not opened the embedded database after ${CONNECT_TIMEOUT_S} s`);
    await sleep(SOCKET_POLL_MS);
  }
}
