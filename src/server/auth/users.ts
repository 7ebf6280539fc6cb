import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { userSessions, users } from '../../db/schema/index.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { hashPassword, passwordProblem } from './passwords.js';

/** Accounts of the web app (`citewatch users`): who may read (viewer) and who may decide (editor, admin). */

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type UserListItem = { name: string; role: Role; createdAt: Date };

const NAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

export function parseRole(raw: string): Role {
  if ((ROLES as readonly string[]).includes(raw)) return raw as Role;
  throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${raw}"`);
}

/** Whether a role may change anything (decide on flags). */
export function canDecide(role: Role): boolean {
  return role === 'editor' || role === 'admin';
}

/** Adds an account, or gives a removed one back its name with the new password and role. */
export async function addUser(db: Db, name: string, role: Role, password: string): Promise<void> {
  if (!NAME.test(name)) throw new UsageError(`a user name is 1 to 64 letters, digits, . _ @ or -, got "${name}"`);
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(`${problem} (user ${name})`);
  const passwordHash = await hashPassword(password);
  const [existing] = await db.select().from(users).where(eq(users.name, name));
  if (existing && !existing.removedAt) throw new UsageError(`a user named "${name}" exists already`);
  if (existing) {
    await db.update(users).set({ role, passwordHash, removedAt: null }).where(eq(users.id, existing.id));
    return;
  }
  await db.insert(users).values({ name, role, passwordHash });
}

export async function listUsers(db: Db): Promise<UserListItem[]> {
  return db
    .select({ name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(isNull(users.removedAt))
    .orderBy(asc(users.name));
}

/** Removes an account and signs it out everywhere. Its past decisions keep its name. */
export async function removeUser(db: Db, name: string, now: Date = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .update(users)
      .set({ removedAt: now })
      .where(and(eq(users.name, name), isNull(users.removedAt)))
      .returning({ id: users.id });
    if (!removed) throw new NotFoundError(`no user is named "${name}" (citewatch users list shows them)`);
    await tx.delete(userSessions).where(eq(userSessions.userId, removed.id));
  });
}
