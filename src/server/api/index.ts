import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { readGuard } from '../auth/guards.js';
import { archiveRoutes } from './archiveRoutes.js';
import { apiErrorHandler } from './errorHandler.js';
import { reviewRoutes } from './reviewRoutes.js';
import { timelineRoutes } from './timelineRoutes.js';

/**
 * The read-only JSON API under /api/, described by /api/openapi.json (generated from the route
 * schemas). Reading follows readAccess: open, or a session or an API token (readGuard).
 */
export async function apiPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'citewatch API',
        version: '1',
        description:
          'Read-only: the events of a timeline, their cited sources and states, every capture of a source (metadata, text, bytes), changes and flags. Lists page by cursor: follow `next`.',
      },
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: '`citewatch tokens add <name>`' } } },
      security: [{ apiToken: [] }],
    },
  });
  app.addHook('onRequest', readGuard);
  app.setErrorHandler(apiErrorHandler);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(timelineRoutes);
  await app.register(archiveRoutes);
  await app.register(reviewRoutes);
}
