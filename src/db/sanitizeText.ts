/**
 * Makes strings storable in PostgreSQL text and jsonb columns. Pure. PostgreSQL (server and PGlite)
 * refuses U+0000 in text and jsonb, and jsonb refuses a lone UTF-16 surrogate (which JSON.stringify
 * writes as `\udXXX`); one such character in a page or a timeline file used to fail the whole
 * statement. Each is replaced by U+FFFD, so the loss stays visible and lengths barely move. Bodies
 * are not touched: they are stored byte for byte in bytea.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * sanitizeText applied to every string in a value, object keys included, recursively through arrays
 * and plain objects. Anything else (numbers, Dates, byte arrays, class instances) is returned as is.
 * Objects are rebuilt with Object.fromEntries, so a key `__proto__` stays an own key.
 */
export function sanitizeForDb<T>(value: T): T {
  if (typeof value === 'string') return sanitizeText(value) as T;
  if (Array.isArray(value)) return value.map(sanitizeForDb) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeText(k), sanitizeForDb(v)])) as T;
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
