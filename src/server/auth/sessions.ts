import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import { sha256 } from '../../sha256.js';
import type { Db } from '../../db/open.js';
import { userSessions, users } from '../../db/schema/index.js';
import type { Role } from './users.js';

/**
 * A signed-in browser holds a random token in a cookie; the database keeps only its sha256, so a copy
 * of the database signs no one in. A session ends when it expires, on sign-out, or when its user is removed.
 */

export type SessionUser = { id: number; name: string; role: Role };

export const SESSION_COOKIE = 'citewatch_session';

export async function createSession(db: Db, userId: number, now: Date, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  // Expired sessions are swept as new ones are made: the table never grows without bound.
  await db.delete(userSessions).where(lte(userSessions.expiresAt, now));
  await db.insert(userSessions).values({ tokenHash: sha256(token), userId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

export async function findSessionUser(db: Db, token: string, now: Date): Promise<SessionUser | null> {
  const [row] = await db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.tokenHash, sha256(token)), gt(userSessions.expiresAt, now), isNull(users.removedAt)));
  return row ?? null;
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.delete(userSessions).where(eq(userSessions.tokenHash, sha256(token)));
}
