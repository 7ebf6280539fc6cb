import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CitewatchError } from '../../errors.js';

/** Errors as JSON: a CitewatchError with its own status, a bad parameter as 400, anything else 500 without details. */
export async function apiErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof CitewatchError) return reply.code(err.policy.httpStatus).send({ error: err.message });
  if (err.validation) return reply.code(400).send({ error: err.message });
  if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
  reply.log.error(err);
  return reply.code(500).send({ error: 'the server failed to answer (see its log)' });
}
