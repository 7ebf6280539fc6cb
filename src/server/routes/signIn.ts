import type { FastifyInstance, FastifyReply } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { CSRF_FIELD, SIGN_IN_COOKIE, csrfMatches, csrfTokenFor, newPreSessionSecret } from '../auth/csrf.js';
import { AccessError } from '../auth/guards.js';
import { UNMATCHABLE_HASH, verifyPassword } from '../auth/passwords.js';
import { SESSION_COOKIE, createSession, endSession } from '../auth/sessions.js';
import { clearFailures, recentFailures, recordFailure, signInWaitMs } from '../auth/signInThrottle.js';
import { signInPage } from '../views/signInView.js';
import { pageContext, sendPage } from './context.js';

type SignInBody = { name?: string; password?: string; next?: string; [CSRF_FIELD]?: string };

/** Only a path of this app: never an open redirect to another site (`//evil.example`, `/\evil`). */
export function localPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

export async function signInRoutes(app: FastifyInstance): Promise<void> {
  const { db, config, now } = app.citewatch;
  const cookieBase = { httpOnly: true, secure: config.cookieSecure, path: '/' } as const;

  const form = (reply: FastifyReply, secret: string, fields: { next: string; name?: string; error?: string }, status = 200) =>
    sendPage(reply, signInPage({ user: null, csrfToken: null, canDecide: false }, { csrfToken: csrfTokenFor(secret), ...fields }), status);

  app.get<{ Querystring: { next?: string } }>('/sign-in', async (request, reply) => {
    let secret = request.cookies[SIGN_IN_COOKIE];
    if (!secret) {
      secret = newPreSessionSecret();
      reply.setCookie(SIGN_IN_COOKIE, secret, { ...cookieBase, sameSite: 'strict', maxAge: 3600 });
    }
    if (request.user) return sendPage(reply, signInPage(pageContext(request), { csrfToken: csrfTokenFor(secret), next: '/' }));
    return form(reply, secret, { next: localPath(request.query.next) });
  });

  app.post<{ Body: SignInBody }>('/sign-in', async (request, reply) => {
    const body = request.body ?? {};
    const secret = request.cookies[SIGN_IN_COOKIE];
    if (!csrfMatches(secret, body[CSRF_FIELD]))
      throw new AccessError('the sign-in form is stale or from elsewhere: reload it and try again', 403);
    const name = String(body.name ?? '').trim();
    const next = localPath(body.next);
    const attempt = { name, address: request.ip };
    const at = now();
    const waitMs = signInWaitMs(await recentFailures(db, attempt, at), at);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      return form(reply, secret!, { next, name, error: `Too many failed attempts: wait ${seconds} s before trying again.` }, 429);
    }
    const [user] = await db
      .select()
      .from(users)
      .where(and(eq(users.name, name), isNull(users.removedAt)));
    // An unknown name costs the same scrypt as a wrong password: timing tells nothing.
    const ok = await verifyPassword(String(body.password ?? ''), user?.passwordHash ?? UNMATCHABLE_HASH);
    if (!user || !ok) {
      await recordFailure(db, attempt, at);
      return form(reply, secret!, { next, name, error: 'Wrong name or password.' }, 401);
    }
    await clearFailures(db, name);
    const session = await createSession(db, user.id, at, config.sessionTtlMs);
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieBase, sameSite: 'lax', expires: session.expiresAt });
    reply.clearCookie(SIGN_IN_COOKIE, { path: '/' });
    return reply.redirect(next, 303);
  });

  app.post<{ Body: { [CSRF_FIELD]?: string } }>('/sign-out', async (request, reply) => {
    if (!request.sessionToken || !csrfMatches(request.sessionToken, request.body?.[CSRF_FIELD])) {
      throw new AccessError('sign-out needs a session and the CSRF token of its form', 403);
    }
    await endSession(db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });
}
