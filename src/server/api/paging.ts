import { UsageError } from '../../errors.js';

/**
 * Cursor paging for the API, pure: a page is `limit` items after the cursor, the cursor is opaque to
 * clients (base64url of the last item's sort key), and `next` is the link to the following page.
 */

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export type PageQuery = { cursor?: string; limit?: number };
export type Page<T> = { items: T[]; next: string | null };

/** The page size asked for, capped: a client cannot make the server build an unbounded answer. */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(1, limit ?? DEFAULT_LIMIT), MAX_LIMIT);
}

export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor carries, checked against the shape the list expects ('s' string, 'n' number). */
export function decodeCursor(cursor: string | undefined, shape: ('s' | 'n')[]): (string | number)[] | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const fits =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((k, i) => (shape[i] === 's' ? typeof k === 'string' : typeof k === 'number' && Number.isFinite(k)));
  if (!fits) throw new UsageError(`cursor "${cursor.slice(0, 40)}" is not one this list gave out (take it from a "next" link)`);
  return key as (string | number)[];
}

/**
 * Cuts `rows` (fetched with one more than `limit`, so the end is known without counting) into a page,
 * with the link to the next one: `path` with the same query and the last item's cursor.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (item: T) => (string | number)[],
  path: string,
  query: Record<string, string | number | undefined>,
): Page<T> {
  const items = rows.slice(0, limit);
  if (rows.length <= limit || items.length === 0) return { items, next: null };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, limit, cursor: encodeCursor(keyOf(items[items.length - 1])) }))
    if (v !== undefined) params.set(k, String(v));
  return { items, next: `${path}?${params}` };
}
