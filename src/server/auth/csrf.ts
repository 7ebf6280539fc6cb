import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF: a synchronizer token tied to the session. Every form carries HMAC-SHA256(session token,
 * "csrf"); the server recomputes it from the cookie it receives. Another site can make the browser
 * send the cookie but can read neither the cookie nor the page, so it cannot know the token. Nothing
 * is stored: the token lives and dies with the session. The sign-in form, before any session, is tied
 * the same way to a random pre-session cookie (SIGN_IN_COOKIE), so a login CSRF is refused too.
 */

export const SIGN_IN_COOKIE = 'citewatch_signin';
export const CSRF_FIELD = '_csrf';

export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('csrf').digest('base64url');
}

export function csrfMatches(secret: string | undefined, token: unknown): boolean {
  if (!secret || typeof token !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function newPreSessionSecret(): string {
  return randomBytes(24).toString('base64url');
}
