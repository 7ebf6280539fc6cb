import type { FastifyInstance } from 'fastify';
import { CitewatchError } from '../../errors.js';
import { listReviews } from '../../flags/auditLog.js';
import { decideGuard, readGuard } from '../auth/guards.js';
import { CSRF_FIELD } from '../auth/csrf.js';
import { DECISIONS, decide, type DecisionForm } from '../review/decide.js';
import { loadEventPage } from '../review/eventQueries.js';
import { parseQueueFilter } from '../review/queueFilter.js';
import { loadQueue, queueNeighbours } from '../review/queueQueries.js';
import { auditPage } from '../views/auditView.js';
import { eventPage } from '../views/eventView.js';
import { queuePage } from '../views/queueView.js';
import { pageContext, sendPage } from './context.js';

const AUDIT_PAGE_ROWS = 500;

const decisionBody = {
  type: 'object',
  required: ['action', 'note'],
  properties: {
    action: { type: 'string', enum: [...DECISIONS] },
    note: { type: 'string', minLength: 1, maxLength: 2000 },
    sourceId: { type: 'string', pattern: '^[0-9]{1,10}$' },
    url: { type: 'string', maxLength: 2000 },
    until: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    [CSRF_FIELD]: { type: 'string', maxLength: 200 },
  },
} as const;

/** The review app's pages: the queue, an event, the audit log, and the decisions posted from an event. */
export async function reviewRoutes(app: FastifyInstance): Promise<void> {
  const { db, config, now } = app.citewatch;

  app.get('/', { preHandler: readGuard }, async (request, reply) => {
    const filter = parseQueueFilter(request.query as Record<string, unknown>);
    return sendPage(reply, queuePage(pageContext(request), filter, await loadQueue(db, filter, now())));
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/events/:id', { preHandler: readGuard }, async (request, reply) => {
    const at = now();
    const [page, neighbours] = await Promise.all([loadEventPage(db, request.params.id), queueNeighbours(db, request.params.id, at)]);
    const view = { page, neighbours, done: request.query.done ?? null, error: null, now: at, config };
    return sendPage(reply, eventPage(pageContext(request), view));
  });

  app.post<{ Params: { id: string }; Body: DecisionForm }>(
    '/events/:id/decisions',
    { preValidation: decideGuard, schema: { body: decisionBody } },
    async (request, reply) => {
      const eventId = request.params.id;
      const user = request.user!;
      try {
        await decide(db, eventId, request.body, { reviewer: user.name, userId: user.id, note: request.body.note, at: now() });
      } catch (err) {
        if (!(err instanceof CitewatchError) || err.policy.httpStatus >= 500) throw err;
        // A refused decision shows on the event page itself, with what was wrong.
        const at = now();
        const [page, neighbours] = await Promise.all([loadEventPage(db, eventId), queueNeighbours(db, eventId, at)]);
        const view = { page, neighbours, done: null, error: err.message, now: at, config };
        return sendPage(reply, eventPage(pageContext(request), view), err.policy.httpStatus);
      }
      return reply.redirect(`/events/${encodeURIComponent(eventId)}?done=${request.body.action}#main`, 303);
    },
  );

  app.get('/reviews', { preHandler: readGuard }, async (request, reply) => {
    return sendPage(reply, auditPage(pageContext(request), await listReviews(db, { limit: AUDIT_PAGE_ROWS })));
  });
}
