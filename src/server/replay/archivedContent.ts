import { eq, sql } from 'drizzle-orm';
import { archiveTimestamp } from '../../archive/captureTimes.js';
import { rawBody } from '../../archive/queries.js';
import { queryRows, type Db } from '../../db/open.js';
import { captures } from '../../db/schema/index.js';
import { decodeBody } from '../../extract/charset.js';
import { normalizeUrl } from '../../ingest/normalizeUrl.js';
import { collectUrls, rewriteHtml } from './rewriteHtml.js';

/** Replay URLs: the banner page of a URL at a time, and (pywb's `id_`) the archived bytes themselves. */
export const replayPageUrl = (at: Date, url: string) => `/replay/${archiveTimestamp(at)}/${url}`;
export const replayContentUrl = (at: Date, url: string) => `/replay/${archiveTimestamp(at)}id_/${url}`;

const HTML_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\b/i;

/**
 * Which of these URLs the archive can replay (a source with a capture that got content), each to the
 * source's own URL. A URL is matched as written and normalized, against sources and every URL they
 * were cited under or ended at.
 */
async function archivedSources(db: Db, urls: string[]): Promise<Map<string, string>> {
  const spellings = new Map<string, string>();
  for (const url of urls) {
    spellings.set(url, url);
    const normalized = normalizeUrl(url);
    if (normalized.ok) spellings.set(normalized.url, url);
  }
  if (spellings.size === 0) return new Map();
  const list = sql.join(
    [...spellings.keys()].map((k) => sql`${k}`),
    sql`, `,
  );
  const rows = await queryRows<{ spelling: string; url: string }>(
    db,
    sql`select k.spelling, s.url from (
          select url as spelling, id as source_id from sources where url in (${list})
          union select url, source_id from source_urls where url in (${list})
        ) k join sources s on s.id = k.source_id
        where exists (select 1 from captures c where c.source_id = s.id and c.snapshot_id is not null
                        and c.outcome in ('fetched', 'not-modified'))`,
  );
  return new Map(rows.map((r) => [spellings.get(r.spelling) as string, r.url]));
}

/**
 * A capture's bytes as replay serves them: HTML rewritten so that every link and subresource points
 * into the archive (near the capture's own time) or is dropped; anything else as fetched.
 */
export async function archivedContent(db: Db, captureId: number): Promise<{ contentType: string; body: Buffer }> {
  const { contentType, body } = await rawBody(db, captureId);
  if (!contentType || !HTML_TYPE.test(contentType))
    return { contentType: contentType ?? 'application/octet-stream', body: Buffer.from(body) };
  const [capture] = await db
    .select({ startedAt: captures.startedAt, requestedUrl: captures.requestedUrl, finalUrl: captures.finalUrl })
    .from(captures)
    .where(eq(captures.id, captureId));
  const pageUrl = capture.finalUrl ?? capture.requestedUrl;
  const { text } = decodeBody(body, contentType);
  const archived = await archivedSources(db, collectUrls(text, pageUrl));
  const rewritten = rewriteHtml(text, pageUrl, (url, use) => {
    const source = archived.get(url);
    if (!source) return null;
    return use === 'page' ? replayPageUrl(capture.startedAt, source) : replayContentUrl(capture.startedAt, source);
  });
  return { contentType: 'text/html; charset=utf-8', body: Buffer.from(rewritten, 'utf8') };
}
