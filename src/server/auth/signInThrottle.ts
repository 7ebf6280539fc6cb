import { and, eq, gt, or } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { signInFailures } from '../../db/schema/index.js';

/**
 * Repeated failed sign-ins are slowed, per name and per address, across restarts (the failures are
 * rows in sign_in_failures): a few mistakes cost nothing, then each further attempt must wait twice
 * as long as the last, up to MAX_WAIT_MS. A success clears the name's failures.
 */
export const FAILURE_WINDOW_MS = 15 * 60_000;
const FREE_FAILURES = 3;
const FIRST_WAIT_MS = 2_000;
const MAX_WAIT_MS = 5 * 60_000;

/** How long from `now` the next attempt must wait after these failures (times within the window). Pure. */
export function signInWaitMs(failures: Date[], now: Date): number {
  const recent = failures.filter((at) => now.getTime() - at.getTime() < FAILURE_WINDOW_MS);
  if (recent.length < FREE_FAILURES) return 0;
  const last = Math.max(...recent.map((d) => d.getTime()));
  const wait = Math.min(FIRST_WAIT_MS * 2 ** (recent.length - FREE_FAILURES), MAX_WAIT_MS);
  return Math.max(0, last + wait - now.getTime());
}

export type Attempt = { name: string; address: string };

/** The failures that count against this attempt: its name's from any address, its address's for any name. */
export async function recentFailures(db: Db, attempt: Attempt, now: Date): Promise<Date[]> {
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const rows = await db
    .select({ at: signInFailures.at })
    .from(signInFailures)
    .where(and(gt(signInFailures.at, since), or(eq(signInFailures.name, attempt.name), eq(signInFailures.address, attempt.address))));
  return rows.map((r) => r.at);
}

export async function recordFailure(db: Db, attempt: Attempt, now: Date): Promise<void> {
  await db.insert(signInFailures).values({ name: attempt.name.slice(0, 200), address: attempt.address, at: now });
}

export async function clearFailures(db: Db, name: string): Promise<void> {
  await db.delete(signInFailures).where(eq(signInFailures.name, name));
}
