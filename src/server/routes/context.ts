import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenFor } from '../auth/csrf.js';
import { canDecide } from '../auth/users.js';
import type { PageContext } from '../views/layout.js';

export function pageContext(request: FastifyRequest): PageContext {
  const user = request.user;
  return {
    user,
    csrfToken: request.sessionToken ? csrfTokenFor(request.sessionToken) : null,
    canDecide: user !== null && canDecide(user.role),
  };
}

/** Pages carry who is signed in: never stored by a shared cache. */
export function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}
