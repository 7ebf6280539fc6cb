import { randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { sha256 } from '../../sha256.js';
import type { Db } from '../../db/open.js';
import { apiTokens } from '../../db/schema/index.js';
import { NotFoundError, UsageError } from '../../errors.js';

/**
 * Tokens for the read-only API (`Authorization: Bearer <token>`). Only the sha256 of a token is
 * stored: a copy of the database gives no one access. A token is shown once, when it is made.
 */

export type TokenHolder = { id: number; name: string };
export type TokenListItem = { name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

const TOKEN_PREFIX = 'cwt_';
const NAME = /^[\w.@-]{1,64}$/;

/** Makes a token named `name` and returns it; the only time the token itself exists outside the caller. */
export async function createToken(db: Db, name: string): Promise<string> {
  if (!NAME.test(name)) throw new UsageError(`a token name is 1 to 64 letters, digits, . _ @ or -, got "${name}"`);
  const [taken] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.name, name));
  if (taken) throw new UsageError(`a token named "${name}" exists already (names stay taken after revoking, for the audit)`);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  await db.insert(apiTokens).values({ name, tokenHash: sha256(token) });
  return token;
}

/** Who holds a token that is known and not revoked (null otherwise), noting that it was used now. */
export async function findTokenHolder(db: Db, token: string, now: Date = new Date()): Promise<TokenHolder | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [holder] = await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, name: apiTokens.name });
  return holder ?? null;
}

/** Every token, revoked ones too, oldest first (never the token: it is not stored). */
export async function listTokens(db: Db): Promise<TokenListItem[]> {
  return db
    .select({ name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
}

/** Revokes the token named `name`; it stops working on its next use. */
export async function revokeToken(db: Db, name: string, now: Date = new Date()): Promise<void> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.name, name), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (revoked.length === 0) throw new NotFoundError(`no active token is named "${name}" (citewatch tokens list shows them)`);
}
