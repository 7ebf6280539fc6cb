import type { FastifyInstance, FastifyRequest } from 'fastify';
import { archiveTimestamp, closestCapture, parseArchiveTime } from '../../archive/captureTimes.js';
import { NotFoundError, UsageError } from '../../errors.js';
import { apiErrorHandler } from '../api/errorHandler.js';
import { readGuard } from '../auth/guards.js';
import { ARCHIVED_CONTENT_HEADERS } from '../replay/contentPolicy.js';
import { archivedContent } from '../replay/archivedContent.js';
import {
  httpDate,
  linkFormat,
  linkHeader,
  mementoLinks,
  mementoUris,
  parseAcceptDatetime,
  timegateLinks,
  timemapJson,
  timemapLinks,
} from './links.js';
import { mementosOf } from './mementos.js';
import { archiveBase, urlFromPath } from './requestUrl.js';

/**
 * citewatch as a Memento archive (RFC 7089, pattern 2.1: the TimeGate is not the original):
 * TimeGate /memento/timegate/<url>, TimeMaps /memento/timemap/{link,json}/<url>, and mementos
 * /memento/<14-digit time>/<url>, for every URL the timeline cites.
 */
export async function mementoPlugin(app: FastifyInstance): Promise<void> {
  const { db, config } = app.citewatch;
  app.addHook('onRequest', readGuard);
  app.setErrorHandler(apiErrorHandler);

  /** The URL after `prefix`, its mementos, and the URIs of its Memento resources here. */
  const lookUp = async (request: FastifyRequest, prefix: string) => {
    const url = urlFromPath(request.url.slice(prefix.length));
    const found = await mementosOf(db, url);
    const uris = mementoUris(archiveBase(config.publicBaseUrl, request), found.source.url);
    return { ...found, uris };
  };
  const noMementos = (url: string) => new NotFoundError(`the archive holds no capture of ${url} that got content`);

  app.get('/memento/timegate/*', async (request, reply) => {
    const { source, mementos, uris } = await lookUp(request, '/memento/timegate/');
    reply.header('vary', 'accept-datetime');
    const header = request.headers['accept-datetime'];
    const asked = Array.isArray(header) ? header[0] : header;
    const at = asked === undefined ? null : parseAcceptDatetime(asked);
    if (asked !== undefined && at === null)
      throw new UsageError(`Accept-Datetime must be an RFC 1123 date such as "Tue, 20 Jun 2000 18:02:59 GMT", got "${asked}"`);
    // No Accept-Datetime: the most recent memento (RFC 7089 §4.1.1).
    const selected = at ? closestCapture(mementos, at) : mementos[mementos.length - 1];
    if (!selected) throw noMementos(source.url);
    return reply
      .code(302)
      .header('location', uris.memento(selected.at))
      .header('link', linkHeader(timegateLinks(uris, mementos, selected)))
      .send();
  });

  app.get('/memento/timemap/link/*', async (request, reply) => {
    const { source, mementos, uris } = await lookUp(request, '/memento/timemap/link/');
    if (mementos.length === 0) throw noMementos(source.url);
    return reply.type('application/link-format').send(linkFormat(timemapLinks(uris, mementos)));
  });

  app.get('/memento/timemap/json/*', async (request) => {
    const { source, mementos, uris } = await lookUp(request, '/memento/timemap/json/');
    if (mementos.length === 0) throw noMementos(source.url);
    return timemapJson(uris, mementos);
  });

  app.get('/memento/*', async (request, reply) => {
    const match = /^\/memento\/(\d{1,14})\/(.+)$/s.exec(request.url);
    if (!match) throw new NotFoundError('a memento is /memento/<14-digit time>/<url>, e.g. /memento/20250301120000/https://example.org/');
    const time = parseArchiveTime(match[1]);
    if (!time) throw new UsageError(`"${match[1]}" is not a time (a memento is named by its 14-digit UTC time)`);
    const { source, mementos, uris } = await lookUp(request, `/memento/${match[1]}/`);
    const selected = closestCapture(mementos, time);
    if (!selected) throw noMementos(source.url);
    // A URI-M names one memento: any other time is sent on to the one closest to it.
    if (archiveTimestamp(selected.at) !== match[1]) return reply.code(302).header('location', uris.memento(selected.at)).send();
    const { contentType, body } = await archivedContent(db, selected.captureId);
    return reply
      .headers(ARCHIVED_CONTENT_HEADERS)
      .header('memento-datetime', httpDate(selected.at))
      .header('link', linkHeader(mementoLinks(uris, mementos, selected)))
      .type(contentType)
      .send(body);
  });
}
