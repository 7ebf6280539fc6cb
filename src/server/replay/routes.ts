import type { FastifyInstance } from 'fastify';
import { archiveTimestamp, closestCapture, parseArchiveTime } from '../../archive/captureTimes.js';
import { getCapture } from '../../archive/queries.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { apiErrorHandler } from '../api/errorHandler.js';
import { readGuard } from '../auth/guards.js';
import { mementosOf } from '../memento/mementos.js';
import { urlFromPath } from '../memento/requestUrl.js';
import { archivedContent, replayPageUrl } from './archivedContent.js';
import { bannerPage, REPLAY_CSS } from './bannerPage.js';
import { ARCHIVED_CONTENT_HEADERS, BANNER_CSP } from './contentPolicy.js';

/**
 * Replay for people: /replay/<time>/<url> is a banner page framing the archived page, which is served
 * by /replay/raw/<captureId> under the archive's content policy; /replay/<time>id_/<url> (pywb's
 * "identity" mode) is what a replayed page's own subresources point at.
 */
export async function replayPlugin(app: FastifyInstance): Promise<void> {
  const { db } = app.citewatch;
  app.addHook('onRequest', readGuard);
  app.setErrorHandler(apiErrorHandler);

  app.get('/replay/replay.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(REPLAY_CSS));

  app.get<{ Params: { captureId: string } }>('/replay/raw/:captureId', async (request, reply) => {
    const id = Number(request.params.captureId);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`a capture id is a whole number, got "${request.params.captureId}"`);
    const { contentType, body } = await archivedContent(db, id);
    return reply.headers(ARCHIVED_CONTENT_HEADERS).type(contentType).send(body);
  });

  // Alerts link to a capture by its id (they are written before anyone knows a replay URL).
  app.get<{ Params: { captureId: string } }>('/captures/:captureId', async (request, reply) => {
    const id = Number(request.params.captureId);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`a capture id is a whole number, got "${request.params.captureId}"`);
    const capture = await getCapture(db, id);
    return reply.redirect(replayPageUrl(capture.startedAt, capture.requestedUrl), 302);
  });

  app.get('/replay/*', async (request, reply) => {
    const match = /^\/replay\/(\d{1,14})(id_)?\/(.+)$/s.exec(request.url);
    if (!match) throw new NotFoundError('a replay is /replay/<14-digit time>/<url>, e.g. /replay/20250301120000/https://example.org/');
    const [, stamp, identity, rest] = match;
    const time = parseArchiveTime(stamp);
    if (!time) throw new UsageError(`"${stamp}" is not a time (replay takes a 14-digit UTC time)`);
    const { source, mementos } = await mementosOf(db, urlFromPath(rest));
    const selected = closestCapture(mementos, time);
    if (!selected) throw new NotFoundError(`the archive holds no capture of ${source.url} that got content`);
    if (identity) {
      const corp = ARCHIVED_CONTENT_HEADERS['cross-origin-resource-policy'];
      return reply.header('cross-origin-resource-policy', corp).redirect(`/replay/raw/${selected.captureId}`, 302);
    }
    if (archiveTimestamp(selected.at) !== stamp) return reply.redirect(replayPageUrl(selected.at, source.url), 302);
    const i = mementos.indexOf(selected);
    const neighbour = (m: (typeof mementos)[number] | undefined) => (m ? { at: m.at, href: replayPageUrl(m.at, source.url) } : null);
    const capture = await getCapture(db, selected.captureId);
    return reply
      .header('content-security-policy', BANNER_CSP)
      .type('text/html; charset=utf-8')
      .send(
        bannerPage({
          url: source.url,
          at: selected.at,
          captureId: selected.captureId,
          title: capture.snapshot?.title ?? null,
          prev: neighbour(mementos[i - 1]),
          next: neighbour(mementos[i + 1]),
          count: mementos.length,
          textHref: capture.snapshot?.text ? `/api/captures/${selected.captureId}/text` : null,
          rawHref: `/api/captures/${selected.captureId}/raw`,
          timemapHref: `/memento/timemap/json/${source.url}`,
        }),
      );
  });
}
