import type { FastifyInstance } from 'fastify';
import { archiveTimestamp, closestCapture, parseArchiveTime } from '../../archive/captureTimes.js';
import { getCapture, listCaptures, rawBody } from '../../archive/queries.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { findSourceByUrl } from '../../ingest/queries.js';
import { ARCHIVED_CONTENT_HEADERS } from '../replay/contentPolicy.js';
import { decodeCursor, pageLimit, toPage, type PageQuery } from './paging.js';
import { captureDetailSchema, captureItemSchema, errorSchema, idParams, pageOf, pageQuery } from './schemas.js';

type CapturesQuery = PageQuery & { url: string; from?: string; to?: string; at?: string };

const timeParam = (description: string) => ({
  type: 'string',
  description: `${description}: ISO 8601 (2025-03-01, 2025-03-01T12:00Z) or a 14-digit timestamp (20250301120000, UTC)`,
});

function parseTime(name: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseArchiveTime(raw);
  if (!parsed) throw new UsageError(`${name} must be a time such as 2025-03-01, 2025-03-01T12:00Z or 20250301120000, got "${raw}"`);
  return parsed;
}

/** A download name for the bytes, from the type they came with. */
function fileName(id: number, contentType: string | null): string {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const ext = { 'text/html': 'html', 'application/pdf': 'pdf', 'text/plain': 'txt', 'application/json': 'json' }[type] ?? 'bin';
  return `capture-${id}.${ext}`;
}

/** /api/captures: a source's captures (filters as `citewatch captures`), and one capture's metadata, text and bytes. */
export async function archiveRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.citewatch;

  app.get<{ Querystring: CapturesQuery }>(
    '/api/captures',
    {
      schema: {
        summary: 'Captures of a source, newest first; `at` gives the one closest to a time (a tie goes to the earlier)',
        tags: ['archive'],
        querystring: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            ...pageQuery,
            url: { type: 'string', description: 'the source, by any URL the timeline cites it under, normalized or not' },
            from: timeParam('only captures at or after this time'),
            to: timeParam('only captures at or before this time'),
            at: timeParam('only the capture closest to this time'),
          },
        },
        response: { 200: pageOf(captureItemSchema), 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { url, from, to, at } = request.query;
      const [fromTime, toTime, atTime] = [parseTime('from', from), parseTime('to', to), parseTime('at', at)];
      const limit = pageLimit(request.query.limit);
      const [after] = decodeCursor(request.query.cursor, ['n']) ?? [null];
      const source = await findSourceByUrl(db, url);
      const filter = { from: fromTime, to: toTime };
      // `at` answers one capture (a page of it); otherwise a keyset page of `limit + 1` rows says whether more follow.
      const items = atTime
        ? after === null
          ? [closestCapture(await listCaptures(db, source.id, filter), atTime)].filter((c) => c !== null)
          : []
        : await listCaptures(db, source.id, filter, { after: after === null ? null : Number(after), limit: limit + 1 });
      return toPage(items, limit, (c) => [c.id], '/api/captures', { url, from, to, at });
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/captures/:id',
    {
      schema: {
        summary: 'One capture: what was asked and answered, the headers, and links to its text, bytes and replay',
        tags: ['archive'],
        params: idParams,
        response: { 200: captureDetailSchema, 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const c = await getCapture(db, request.params.id);
      const id = c.id;
      return {
        ...c,
        at: c.startedAt,
        contentType: c.snapshot?.contentType ?? null,
        title: c.snapshot?.title ?? null,
        responseHeaders: c.responseHeaderList ?? Object.entries(c.headers),
        links: {
          text: c.snapshot?.text ? `/api/captures/${id}/text` : null,
          raw: c.snapshotId ? `/api/captures/${id}/raw` : null,
          replay: c.snapshotId ? `/replay/${archiveTimestamp(c.startedAt)}/${c.requestedUrl}` : null,
        },
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/captures/:id/text',
    {
      schema: {
        summary: 'The readable text extracted from a capture (its title on the first line)',
        tags: ['archive'],
        params: idParams,
        response: {
          200: { content: { 'text/plain': { schema: { type: 'string' } } } },
          400: errorSchema,
          401: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { snapshot } = await getCapture(db, request.params.id);
      if (!snapshot?.text) throw new NotFoundError(`capture ${request.params.id} has no extracted text`);
      return reply.type('text/plain; charset=utf-8').send(`${snapshot.title ?? ''}\n\n${snapshot.text}\n`);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/captures/:id/raw',
    {
      schema: {
        summary: 'The bytes exactly as fetched, as a download with the type they came with',
        tags: ['archive'],
        params: idParams,
        response: {
          200: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          400: errorSchema,
          401: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { contentType, body } = await rawBody(db, request.params.id);
      // An attachment, never rendered in the app's origin; and sandboxed should a browser render it anyway.
      return reply
        .headers(ARCHIVED_CONTENT_HEADERS)
        .header('content-disposition', `attachment; filename="${fileName(request.params.id, contentType)}"`)
        .type(contentType ?? 'application/octet-stream')
        .send(Buffer.from(body));
    },
  );
}
