import { index, integer, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './types.js';

/** A person who signs in to `citewatch serve`. Roles: viewer, editor, admin. */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').$type<'viewer' | 'editor' | 'admin'>().notNull(),
    /** scrypt$N$r$p$salt$hash (base64): a standard slow hash, never the password. */
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    removedAt: timestamptz('removed_at'),
  },
  (t) => [uniqueIndex('users_name_idx').on(t.name)],
);

/** A signed-in browser. Only the sha256 of the cookie's token is stored. */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: serial('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [uniqueIndex('user_sessions_token_idx').on(t.tokenHash), index('user_sessions_user_idx').on(t.userId)],
);

/** A token for the read-only API (`citewatch tokens add`). Only its sha256 is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash), uniqueIndex('api_tokens_name_idx').on(t.name)],
);

/** Failed sign-ins per name and address, so repeated attempts are slowed across restarts. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('sign_in_failures_name_idx').on(t.name, t.at)],
);
