import { headersForStoredBody, recordId, requestHead, responseHeaders, statusLine, warcDigest, type HeaderList } from './exchange.js';

/** One capture as the export reads it (see warc/queries.ts). */
export type ExportCapture = {
  id: number;
  sourceUrl: string;
  at: Date;
  requestedUrl: string;
  finalUrl: string | null;
  redirects: { url: string; status: number }[];
  httpStatus: number | null;
  fetcher: string;
  outcome: string;
  errorKind: string | null;
  errorMessage: string | null;
  durationMs: number | null;
  headers: Record<string, string>;
  responseHeaderList: HeaderList | null;
  request: { method: string; url: string; httpVersion: string; headers: HeaderList } | null;
  /** The raw body archived for it (a 304 reuses the one it still has). */
  body: { snapshotId: number; hash: string; size: number } | null;
  /** The source's state as of this capture, when states were derived. */
  state: string | null;
  /**
   * The capture in the same export that first stored this very body, when every content capture
   * since had it too: this one is then a revisit of that one.
   */
  revisitOf: { id: number; at: Date; url: string } | null;
};

type Common = { id: string; url: string; date: Date; warcHeaders: HeaderList };
export type RecordPlan =
  | (Common & { type: 'request'; statusline: string; httpHeaders: HeaderList })
  | (Common & { type: 'response'; statusline: string; httpHeaders: HeaderList; snapshotId: number })
  | (Common & { type: 'revisit'; statusline: string; httpHeaders: HeaderList; refersTo: { id: string; url: string; date: Date } | null })
  | (Common & { type: 'metadata'; fields: HeaderList });

/**
 * The records one capture becomes, in file order: for a body, its response (or a revisit when the
 * body is the one an earlier record of this export holds) then its request; always a metadata record
 * with citewatch's own facts. A capture that got no answer is a metadata record alone. Pure.
 */
export function planRecords(c: ExportCapture): RecordPlan[] {
  const url = c.finalUrl ?? c.requestedUrl;
  const date = c.at;
  const idOf = (part: 'request' | 'response' | 'revisit' | 'metadata') => recordId({ id: c.id, at: c.at, url }, part);
  const captureField: [string, string] = ['WARC-Citewatch-Capture-Id', String(c.id)];
  const plans: RecordPlan[] = [];
  let concurrentTo: string | null = null;
  let headerOrigin: string | null = null;
  let requestOrigin: string | null = null;
  if (c.body && c.httpStatus !== null && c.finalUrl) {
    const facts = { ...c, finalUrl: c.finalUrl, httpStatus: c.httpStatus, keptHeaders: c.headers };
    const response = responseHeaders(facts);
    headerOrigin = response.origin;
    const statusline = statusLine(c.httpStatus, c.request?.httpVersion);
    // A 304 is written as received: it carries no body, so there is no length to state.
    const httpHeaders = c.httpStatus === 304 ? response.headers : headersForStoredBody(response.headers, c.body.size);
    const warcHeaders: HeaderList = [captureField, ['WARC-Citewatch-Response-Headers', response.origin]];
    // A 304 whose body was first stored before this export's range is still a revisit, by digest alone.
    if (c.revisitOf || c.httpStatus === 304) {
      const refersTo = c.revisitOf && { id: recordId(c.revisitOf, 'response'), url: c.revisitOf.url, date: c.revisitOf.at };
      warcHeaders.push(['WARC-Payload-Digest', warcDigest(c.body.hash)]);
      if (refersTo) warcHeaders.push(['WARC-Refers-To', refersTo.id]);
      plans.push({ type: 'revisit', id: idOf('revisit'), url, date, warcHeaders, statusline, httpHeaders, refersTo });
      concurrentTo = idOf('revisit');
    } else {
      plans.push({
        type: 'response',
        id: idOf('response'),
        url,
        date,
        warcHeaders,
        statusline,
        httpHeaders,
        snapshotId: c.body.snapshotId,
      });
      concurrentTo = idOf('response');
    }
    const request = requestHead(facts);
    requestOrigin = request.origin;
    plans.push({
      type: 'request',
      id: idOf('request'),
      url,
      date,
      warcHeaders: [captureField, ['WARC-Concurrent-To', concurrentTo], ['WARC-Citewatch-Request', request.origin]],
      statusline: request.statusline,
      httpHeaders: request.headers,
    });
  }
  const fields = metadataFields(c, { headerOrigin, requestOrigin });
  const warcHeaders: HeaderList = concurrentTo ? [captureField, ['WARC-Concurrent-To', concurrentTo]] : [captureField];
  plans.push({ type: 'metadata', id: idOf('metadata'), url, date, warcHeaders, fields });
  return plans;
}

/** citewatch's facts about a capture as application/warc-fields: only the fields that have a value. */
export function metadataFields(c: ExportCapture, origins: { headerOrigin: string | null; requestOrigin: string | null }): HeaderList {
  const fields: [string, string | number | null][] = [
    ['citewatch-capture-id', c.id],
    ['citewatch-source-url', c.sourceUrl],
    ['requested-url', c.requestedUrl],
    ['final-url', c.finalUrl],
    ['fetcher', c.fetcher],
    ['outcome', c.outcome],
    ['error-kind', c.errorKind],
    ['error-message', c.errorMessage],
    ['http-status', c.httpStatus],
    ['duration-ms', c.durationMs],
    ['source-state', c.state],
    ['response-headers', origins.headerOrigin],
    ['request', origins.requestOrigin],
    ['body-sha256', c.body?.hash ?? null],
    ...c.redirects.slice(0, -1).map((r): [string, string] => ['redirect', `${r.status} ${r.url}`]),
  ];
  // A field value is one line: a message from the network cannot break the record's syntax.
  return fields.filter((f): f is [string, string | number] => f[1] !== null).map(([k, v]) => [k, String(v).replace(/[\r\n]+/g, ' ')]);
}
