import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CitewatchError } from '../../errors.js';
import { errorPage } from '../views/signInView.js';
import { pageContext, sendPage } from './context.js';

/**
 * Errors answered in one place: a CitewatchError carries its HTTP status (src/errors.ts), a request
 * the schema refused is a 400; anything else is a 500 whose details stay in the server. Browsers get
 * a page, everything else JSON.
 */
export function installErrorPages(app: FastifyInstance): void {
  const answer = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => {
    if ((request.headers.accept ?? '').includes('text/html'))
      return sendPage(reply, errorPage(pageContext(request), status, message), status);
    return reply.code(status).header('cache-control', 'no-store').send({ error: message, status });
  };
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof CitewatchError) return answer(request, reply, err.policy.httpStatus, err.message);
    if (err.validation) return answer(request, reply, 400, `bad request: ${err.message}`);
    if (err.statusCode && err.statusCode < 500) return answer(request, reply, err.statusCode, err.message);
    request.log.error(err);
    return answer(request, reply, 500, 'unexpected error: the server log has the details');
  });
  app.setNotFoundHandler((request, reply) => answer(request, reply, 404, `nothing at ${request.url}`));
}
