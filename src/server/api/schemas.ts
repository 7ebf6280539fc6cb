/**
 * JSON Schemas of the API's answers and parameters: fastify validates requests and serializes
 * answers with them, and @fastify/swagger turns them into /api/openapi.json.
 */

const str = { type: 'string' } as const;
const nullableStr = { type: 'string', nullable: true } as const;
const time = { type: 'string', format: 'date-time' } as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;
const int = { type: 'integer' } as const;
const nullableInt = { type: 'integer', nullable: true } as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: str },
} as const;

/** A page of a list: its items and the link to the next page (null on the last). */
export function pageOf(item: object) {
  return {
    type: 'object',
    required: ['items', 'next'],
    properties: { items: { type: 'array', items: item }, next: { ...nullableStr, description: 'the next page, or null' } },
  } as const;
}

export const pageQuery = {
  cursor: { ...str, description: 'from the previous page’s `next` link' },
  limit: { type: 'integer', minimum: 1, description: 'items per page (default 50, at most 200)' },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export const eventSchema = {
  type: 'object',
  required: ['id', 'date', 'importance', 'status', 'title', 'sources', 'file'],
  properties: { id: str, date: nullableStr, importance: nullableInt, status: nullableStr, title: str, sources: int, file: str },
} as const;

const lastGoodCaptureSchema = {
  type: 'object',
  nullable: true,
  description: 'the last capture that got the page (for a vanished source: before it vanished), with its replay link',
  required: ['id', 'time', 'link'],
  properties: { id: int, time, link: str },
} as const;

export const sourceSchema = {
  type: 'object',
  required: ['id', 'url', 'host', 'state', 'stateReason', 'stateSince', 'checkedAt', 'priority', 'citations', 'lastGoodCapture'],
  properties: {
    id: int,
    url: str,
    host: str,
    state: { type: 'string', enum: ['pending', 'ok', 'changed', 'vanished', 'unreachable', 'blocked'] },
    stateReason: nullableStr,
    stateSince: nullableTime,
    checkedAt: nullableTime,
    priority: int,
    citations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['eventId', 'originalUrl', 'archiveUrl'],
        properties: { eventId: str, originalUrl: str, archiveUrl: { ...nullableStr, description: 'the archive copy the timeline cites' } },
      },
    },
    lastGoodCapture: lastGoodCaptureSchema,
  },
} as const;

export const captureItemSchema = {
  type: 'object',
  required: ['id', 'at', 'outcome', 'errorKind', 'httpStatus', 'finalUrl', 'fetcher', 'bodyHash', 'contentChanged'],
  properties: {
    id: int,
    at: time,
    outcome: str,
    errorKind: nullableStr,
    httpStatus: nullableInt,
    finalUrl: nullableStr,
    fetcher: str,
    bodyHash: nullableStr,
    contentChanged: { type: 'boolean', nullable: true, description: 'whether its text differs from the previous capture with content' },
  },
} as const;

const headerList = { type: 'array', items: { type: 'array', items: str, minItems: 2, maxItems: 2 } } as const;

export const captureDetailSchema = {
  type: 'object',
  required: [
    'id',
    'sourceId',
    'requestedUrl',
    'at',
    'outcome',
    'httpStatus',
    'finalUrl',
    'redirects',
    'fetcher',
    'bodyHash',
    'contentType',
    'title',
    'responseHeaders',
    'request',
    'links',
  ],
  properties: {
    id: int,
    sourceId: int,
    requestedUrl: str,
    at: time,
    durationMs: nullableInt,
    outcome: str,
    errorKind: nullableStr,
    errorMessage: nullableStr,
    httpStatus: nullableInt,
    finalUrl: nullableStr,
    redirects: { type: 'array', items: { type: 'object', required: ['url', 'status'], properties: { url: str, status: int } } },
    fetcher: str,
    bodyHash: nullableStr,
    contentType: nullableStr,
    title: nullableStr,
    responseHeaders: { ...headerList, description: 'as received, order and repeats kept (older captures: the headers kept then)' },
    request: {
      type: 'object',
      nullable: true,
      required: ['method', 'url', 'httpVersion', 'headers'],
      properties: { method: str, url: str, httpVersion: str, headers: headerList },
    },
    links: {
      type: 'object',
      required: ['text', 'raw', 'replay'],
      properties: { text: nullableStr, raw: nullableStr, replay: nullableStr },
    },
  },
} as const;

export const changeSchema = {
  type: 'object',
  required: ['id', 'fromSnapshotId', 'toSnapshotId', 'classification', 'kinds', 'significance', 'summary', 'added', 'removed', 'createdAt'],
  properties: {
    id: int,
    fromSnapshotId: int,
    toSnapshotId: int,
    classification: { type: 'string', enum: ['noise', 'material'] },
    kinds: { type: 'array', items: str },
    significance: { type: 'number' },
    summary: nullableStr,
    added: { type: 'array', items: str },
    removed: { type: 'array', items: str },
    createdAt: time,
  },
} as const;

export const flagSchema = {
  type: 'object',
  required: ['flagId', 'eventId', 'title', 'importance', 'state', 'openedAt', 'closedAt', 'reasons', 'sources'],
  properties: {
    flagId: int,
    eventId: str,
    title: str,
    importance: nullableInt,
    state: { type: 'string', enum: ['open', 'resolved', 'dismissed'] },
    openedAt: time,
    closedAt: nullableTime,
    reasons: { type: 'array', items: str },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sourceId', 'url', 'state', 'reason', 'changeId', 'currentState'],
        properties: {
          sourceId: int,
          url: str,
          state: str,
          reason: nullableStr,
          changeId: nullableInt,
          currentState: str,
          touchesClaim: {
            type: 'object',
            nullable: true,
            required: ['touches', 'terms'],
            properties: { touches: { type: 'boolean' }, terms: { type: 'array', items: str } },
          },
        },
      },
    },
  },
} as const;
