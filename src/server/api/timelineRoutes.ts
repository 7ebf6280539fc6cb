import type { FastifyInstance } from 'fastify';
import { decodeCursor, pageLimit, toPage, type PageQuery } from './paging.js';
import { getSource, pageEvents, pageSources, type SourceFilter } from './queries.js';
import { errorSchema, eventSchema, idParams, pageOf, pageQuery, sourceSchema } from './schemas.js';

/** /api/events and /api/sources: what the timeline cites, and where each source stands. */
export async function timelineRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.citewatch;

  app.get<{ Querystring: PageQuery }>(
    '/api/events',
    {
      schema: {
        summary: 'Events of the timeline (removed ones left out), by id',
        tags: ['timeline'],
        querystring: { type: 'object', additionalProperties: false, properties: pageQuery },
        response: { 200: pageOf(eventSchema), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit);
      const [after] = decodeCursor(request.query.cursor, ['s']) ?? [null];
      const rows = await pageEvents(db, after as string | null, limit);
      return toPage(rows, limit, (e) => [e.id], '/api/events', {});
    },
  );

  app.get<{ Querystring: PageQuery & Omit<SourceFilter, 'id'> }>(
    '/api/sources',
    {
      schema: {
        summary: 'Cited sources with their state, by id; a vanished one with its last good capture and the citations’ archive URLs',
        tags: ['timeline'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuery,
            state: { type: 'string', enum: ['pending', 'ok', 'changed', 'vanished', 'unreachable', 'blocked'] },
            host: { type: 'string', description: 'only sources on this host (example.org or example.org:8080)' },
          },
        },
        response: { 200: pageOf(sourceSchema), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request) => {
      const { state, host } = request.query;
      const limit = pageLimit(request.query.limit);
      const [after] = decodeCursor(request.query.cursor, ['n']) ?? [null];
      const rows = await pageSources(db, { state, host }, after as number | null, limit);
      return toPage(rows, limit, (s) => [s.id], '/api/sources', { state, host });
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/sources/:id',
    {
      schema: {
        summary: 'One source',
        tags: ['timeline'],
        params: idParams,
        response: { 200: sourceSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request) => getSource(db, request.params.id),
  );
}
