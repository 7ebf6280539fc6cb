import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/open.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

describe(`database (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('opens migrated and empty', async () => {
    const tables = await queryRows<{ name: string }>(
      database.db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'sources', 'citations', 'captures', 'snapshots', 'changes', 'flags']));
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from events`);
    expect(n).toBe(0);
  });
});
