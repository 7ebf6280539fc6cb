import { and, asc, desc, eq, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { holdSessionLock, sessionLockGone, type Db } from '../db/open.js';
import { hosts, sources } from '../db/schema/index.js';

export type CrawlSelection = {
  /** Check every source now, due or not. */
  all?: boolean;
  limit?: number;
  host?: string;
  sourceUrl?: string;
  screenshots?: boolean;
};

export type DueSource = typeof sources.$inferSelect;

/** The sources a pass checks: due ones (or all), most important first, then the longest unchecked. */
export async function selectSources(db: Db, selection: CrawlSelection, now: Date): Promise<DueSource[]> {
  const where: SQL[] = [];
  if (!selection.all && !selection.sourceUrl) where.push(or(isNull(sources.nextCheckAt), lte(sources.nextCheckAt, now))!);
  if (selection.host) where.push(eq(sources.host, selection.host.toLowerCase()));
  if (selection.sourceUrl) where.push(eq(sources.url, selection.sourceUrl));
  const query = db
    .select()
    .from(sources)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(sources.priority), sql`${sources.checkedAt} asc nulls first`, asc(sources.id));
  return selection.limit !== undefined ? query.limit(selection.limit) : query;
}

/** Groups sources by host, keeping their order; hosts ordered by their most important source. */
export function groupByHost<T extends { host: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const g = groups.get(r.host);
    if (g) g.push(r);
    else groups.set(r.host, [r]);
  }
  return groups;
}

export type HostRow = typeof hosts.$inferSelect;

/** The advisory lock keys of workers' liveness: (this, hashtext(owner)). Any number but the migrations'. */
const LIVENESS_LOCK_KEY = 7_130_516;

/**
 * Proves a worker alive while it holds leases: a session-level advisory lock on its name, taken
 * before its first lease and dropped after its last. The server drops it the moment the process
 * dies (kill -9, a second Ctrl-C: the kernel closes its socket), so its leases are taken over by
 * the next pass at once instead of after they expire (still the fallback for a machine that
 * vanishes without closing its socket). Chosen over a heartbeat row because it needs no timer, no
 * clock agreement between machines and no writes, and a main thread busy for seconds cannot make
 * a live worker look dead. On PGlite the home lock already proves the last process dead, and its
 * advisory locks died with it: the same check covers both databases.
 */
export function holdLiveness(db: Db, owner: string): Promise<() => Promise<void>> {
  return holdSessionLock(db, LIVENESS_LOCK_KEY, owner);
}

/** The lease's owner holds no liveness lock: it is gone (its expiry is the fallback if the hash is shared). */
const ownerGone = sessionLockGone(LIVENESS_LOCK_KEY, hosts.leaseOwner);

/**
 * Takes the lease on hosts for `ms`, except those another live worker holds unexpired. One conditional
 * upsert per 500 hosts, so two workers racing for a host cannot both win (PostgreSQL or PGlite), and
 * a pass over a thousand hosts starts them all at once instead of one after another.
 * Returns the rows of the hosts now leased to `owner`.
 */
export async function leaseHosts(db: Db, names: string[], owner: string, now: Date, ms: number): Promise<Map<string, HostRow>> {
  const expires = new Date(now.getTime() + ms);
  const leased = new Map<string, HostRow>();
  for (let i = 0; i < names.length; i += 500) {
    const rows = await db
      .insert(hosts)
      .values(names.slice(i, i + 500).map((host) => ({ host, leaseOwner: owner, leaseExpiresAt: expires })))
      .onConflictDoUpdate({
        target: hosts.host,
        set: { leaseOwner: owner, leaseExpiresAt: expires },
        setWhere: or(isNull(hosts.leaseExpiresAt), lte(hosts.leaseExpiresAt, now), eq(hosts.leaseOwner, owner), ownerGone),
      })
      .returning();
    for (const r of rows) leased.set(r.host, r);
  }
  return leased;
}

export async function leaseHost(db: Db, host: string, owner: string, now: Date, ms: number): Promise<boolean> {
  return (await leaseHosts(db, [host], owner, now, ms)).size > 0;
}

/** Gives a host back, recording when it was last asked so the next pass or worker keeps the gap. */
export async function releaseHost(db: Db, host: string, owner: string, lastRequestAt?: Date): Promise<void> {
  await db
    .update(hosts)
    .set({ leaseOwner: null, leaseExpiresAt: null, ...(lastRequestAt ? { lastRequestAt } : {}) })
    .where(and(eq(hosts.host, host), eq(hosts.leaseOwner, owner)));
}
