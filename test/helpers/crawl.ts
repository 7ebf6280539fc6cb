import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { loadConfig, type Config } from '../../src/config/loadConfig.js';
import { queryRows, type Db } from '../../src/db/open.js';
import { captures, sources } from '../../src/db/schema/index.js';
import type { Resolver } from '../../src/crawl/resolveTarget.js';
import { SIMULATED_WEB_RANGE } from '../../src/simweb/index.js';

/** Test settings: short delays and limits, only the simulated web's loopback range allowed. */
export function crawlConfig(flags: Partial<Config> = {}): Config {
  const home = mkdtempSync(path.join(tmpdir(), 'citewatch-crawl-'));
  return loadConfig({
    env: { CITEWATCH_HOME: home },
    flags: {
      hostDelayMs: 100,
      allowPrivateNetwork: [SIMULATED_WEB_RANGE],
      connectTimeoutMs: 1000,
      readTimeoutMs: 700,
      totalTimeoutMs: 1500,
      maxBodyBytes: 1_000_000,
      maxRetryAfterMs: 2000,
      concurrency: 16,
      userAgent: 'citewatch-test/1.0 (+tests)',
      ...flags,
    },
  });
}

/** Tests use IP URLs only; a name lookup would be a bug, so the resolver refuses loudly. */
export const noDns: Resolver = async (name) => {
  throw new Error(`test tried to resolve ${name}`);
};

export async function addSources(db: Db, urls: { url: string; priority?: number }[]): Promise<Map<string, number>> {
  const rows = await db
    .insert(sources)
    .values(urls.map((u) => ({ url: u.url, host: new URL(u.url).host, priority: u.priority ?? 0 })))
    .returning({ id: sources.id, url: sources.url });
  return new Map(rows.map((r) => [r.url, r.id]));
}

export async function capturesOf(db: Db, sourceId: number) {
  return db.select().from(captures).where(eq(captures.sourceId, sourceId)).orderBy(captures.id);
}

export async function countRows(db: Db, table: 'snapshots' | 'captures'): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return n;
}
