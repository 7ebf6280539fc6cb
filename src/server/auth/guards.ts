import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CitewatchError } from '../../errors.js';
import type { AppDeps } from '../createApp.js';
import { findTokenHolder } from './apiTokens.js';
import { CSRF_FIELD, csrfMatches } from './csrf.js';
import { SESSION_COOKIE, findSessionUser, type SessionUser } from './sessions.js';
import { canDecide } from './users.js';

/**
 * Who is asking, decided once per request (onRequest), and the guards routes put in front of
 * themselves: readGuard (reading, per readAccess), decideGuard (changing anything: an editor's
 * session and the form's CSRF token, 403 otherwise).
 */

declare module 'fastify' {
  interface FastifyInstance {
    citewatch: Required<AppDeps>;
  }
  interface FastifyRequest {
    /** The signed-in user, when the request carries a live session cookie. */
    user: SessionUser | null;
    /** The raw session token, which the CSRF token is derived from. */
    sessionToken: string | null;
  }
}

/** Refused: the status says whether signing in could help (401) or not (403). */
export class AccessError extends CitewatchError {
  constructor(message: string, httpStatus: 401 | 403) {
    super(message, { exitCode: 1, httpStatus });
  }
}

export function installSessions(app: FastifyInstance, deps: AppDeps): void {
  app.decorate('citewatch', { ...deps, now: deps.now ?? (() => new Date()) });
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const { db, now } = request.server.citewatch;
    request.user = await findSessionUser(db, token, now());
    request.sessionToken = request.user ? token : null;
  });
}

function wantsPage(request: FastifyRequest): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

/**
 * Reading: open to all with readAccess=open; otherwise a signed-in user, or an API token
 * (`Authorization: Bearer <token>`). A browser is sent to sign in; anything else gets 401.
 */
export async function readGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { config, db, now } = request.server.citewatch;
  if (config.readAccess === 'open' || request.user) return;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer && (await findTokenHolder(db, bearer[1], now()))) return;
  if (wantsPage(request)) {
    return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
  }
  throw new AccessError('sign in or send an API token (Authorization: Bearer <token>) to read this', 401);
}

/** Changing anything: an editor's (or admin's) live session and the CSRF token of its form. */
export async function decideGuard(request: FastifyRequest): Promise<void> {
  const user = request.user;
  if (!user || !request.sessionToken) throw new AccessError('sign in as an editor to change anything', 403);
  const body = (request.body ?? {}) as Record<string, unknown>;
  if (!csrfMatches(request.sessionToken, body[CSRF_FIELD])) {
    throw new AccessError('the form is missing its CSRF token or it is not this session’s: reload the page and try again', 403);
  }
  if (!canDecide(user.role)) throw new AccessError(`${user.name} is a ${user.role}: only editors and admins may decide`, 403);
}
