import type { FastifyInstance } from 'fastify';
import { listFlags } from '../../flags/listFlags.js';
import { findSourceByUrl } from '../../ingest/queries.js';
import { decodeCursor, pageLimit, toPage, type PageQuery } from './paging.js';
import { pageChanges } from './queries.js';
import { changeSchema, errorSchema, flagSchema, pageOf, pageQuery } from './schemas.js';

/** /api/changes and /api/flags: what changed in the sources, and the events waiting for an editor. */
export async function reviewRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.citewatch;

  app.get<{ Querystring: PageQuery & { url?: string } }>(
    '/api/changes',
    {
      schema: {
        summary: 'Changes between captures, newest first; with url, only those of that source',
        tags: ['review'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, url: { type: 'string', description: 'a source, by any URL the timeline cites it under' } },
        },
        response: { 200: pageOf(changeSchema), 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { url } = request.query;
      const limit = pageLimit(request.query.limit);
      const [before] = decodeCursor(request.query.cursor, ['n']) ?? [null];
      const sourceId = url === undefined ? undefined : (await findSourceByUrl(db, url)).id;
      const rows = await pageChanges(db, sourceId, before as number | null, limit);
      return toPage(rows, limit, (c) => [c.id], '/api/changes', { url });
    },
  );

  app.get<{ Querystring: PageQuery & { status?: 'open' | 'resolved' | 'dismissed' } }>(
    '/api/flags',
    {
      schema: {
        summary: 'Flags (events whose sources changed or vanished), newest first',
        tags: ['review'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, status: { type: 'string', enum: ['open', 'resolved', 'dismissed'] } },
        },
        response: { 200: pageOf(flagSchema), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request) => {
      const { status } = request.query;
      const limit = pageLimit(request.query.limit);
      const [before] = decodeCursor(request.query.cursor, ['n']) ?? [null];
      // listFlags is the one flag query (the CLI's too); a timeline has thousands of flags at most.
      const rows = (await listFlags(db, { all: true }))
        .filter((f) => (status === undefined || f.state === status) && (before === null || f.flagId < (before as number)))
        .sort((a, b) => b.flagId - a.flagId)
        .slice(0, limit + 1);
      return toPage(rows, limit, (f) => [f.flagId], '/api/flags', { status });
    },
  );
}
