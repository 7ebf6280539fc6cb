import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headersForStoredBody, recordId, requestHead, statusLine, warcDigest, type HeaderList } from '../src/archive/warc/exchange.js';
import { planRecords, type ExportCapture } from '../src/archive/warc/plan.js';

const capture = (over: Partial<ExportCapture> = {}): ExportCapture => ({
  id: 7,
  sourceUrl: 'https://paper.example/a',
  at: new Date('2025-03-01T12:00:00.250Z'),
  requestedUrl: 'https://paper.example/a',
  finalUrl: 'https://paper.example/a',
  redirects: [{ url: 'https://paper.example/a', status: 200 }],
  httpStatus: 200,
  fetcher: 'http',
  outcome: 'fetched',
  errorKind: null,
  errorMessage: null,
  durationMs: 40,
  headers: { 'content-type': 'text/html' },
  responseHeaderList: [['Content-Type', 'text/html']],
  request: { method: 'GET', url: 'https://paper.example/a', httpVersion: '1.1', headers: [['User-Agent', 'citewatch']] },
  body: { snapshotId: 3, hash: 'ab'.repeat(32), size: 10 },
  state: 'ok',
  revisitOf: null,
  ...over,
});

describe('WARC records of a capture (pure)', () => {
  it.each<[string, HeaderList, number, HeaderList]>([
    [
      'plain: a matching length stays',
      [
        ['Content-Length', '10'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ],
      10,
      [
        ['Content-Length', '10'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ],
    ],
    [
      'gzip and chunks: kept under X-Archive-Orig-, the stored length added',
      [
        ['Content-Encoding', 'gzip'],
        ['Transfer-Encoding', 'chunked'],
        ['Link', '<a>'],
      ],
      99,
      [
        ['X-Archive-Orig-Content-Encoding', 'gzip'],
        ['X-Archive-Orig-Transfer-Encoding', 'chunked'],
        ['Link', '<a>'],
        ['Content-Length', '99'],
      ],
    ],
    [
      'a compressed length is kept aside',
      [
        ['content-length', '40'],
        ['content-encoding', 'br'],
      ],
      120,
      [
        ['X-Archive-Orig-content-length', '40'],
        ['X-Archive-Orig-content-encoding', 'br'],
        ['Content-Length', '120'],
      ],
    ],
    [
      'identity is no encoding',
      [['Content-Encoding', 'identity']],
      0,
      [
        ['Content-Encoding', 'identity'],
        ['Content-Length', '0'],
      ],
    ],
  ])('headers for the decoded body: %s', (_name, given, length, expected) => {
    expect(headersForStoredBody(given, length)).toEqual(expected);
  });

  it('writes status lines, digests and record ids as the conventions say', () => {
    expect(statusLine(404)).toBe('HTTP/1.1 404 Not Found');
    expect(statusLine(200, '1.0')).toBe('HTTP/1.0 200 OK');
    // RFC 4648 test vector: base32("foobar") = MZXW6YTBOI======
    expect(warcDigest(Buffer.from('foobar').toString('hex'))).toBe('sha256:MZXW6YTBOI======');
    const empty = createHash('sha256').update('').digest('hex');
    expect(warcDigest(empty)).toBe('sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ====');
    const id = recordId({ id: 1, at: new Date(0), url: 'https://x/' }, 'response');
    expect(id).toMatch(/^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/);
    expect(recordId({ id: 1, at: new Date(0), url: 'https://x/' }, 'response')).toBe(id);
    expect(recordId({ id: 1, at: new Date(0), url: 'https://x/' }, 'request')).not.toBe(id);
  });

  it('rebuilds a request it did not keep, and says so', () => {
    const facts = { finalUrl: 'https://paper.example/a?b=1', httpStatus: 200, responseHeaderList: null, keptHeaders: {}, request: null };
    expect(requestHead(facts)).toEqual({
      statusline: 'GET /a?b=1 HTTP/1.1',
      headers: [['Host', 'paper.example']],
      origin: 'reconstructed',
    });
  });

  it.each<[string, Partial<ExportCapture>, string[]]>([
    ['a body fetched', {}, ['response', 'request', 'metadata']],
    [
      'the same body again',
      { revisitOf: { id: 6, at: new Date('2025-02-01T00:00:00Z'), url: 'https://paper.example/a' } },
      ['revisit', 'request', 'metadata'],
    ],
    ['a 304 whose original is outside the export', { httpStatus: 304, outcome: 'not-modified' }, ['revisit', 'request', 'metadata']],
    [
      'no answer',
      { body: null, httpStatus: null, outcome: 'network-error', errorKind: 'timeout', errorMessage: 'timed out\r\nlate' },
      ['metadata'],
    ],
    ['robots said no', { body: null, httpStatus: null, finalUrl: null, outcome: 'robots-disallowed' }, ['metadata']],
  ])('plans %s', (_name, over, types) => {
    const plans = planRecords(capture(over));
    expect(plans.map((p) => p.type)).toEqual(types);
    const [first] = plans;
    if (first.type === 'revisit') {
      expect(first.warcHeaders).toContainEqual(['WARC-Payload-Digest', warcDigest('ab'.repeat(32))]);
      expect(first.refersTo?.id ?? null).toBe(over.revisitOf ? recordId(over.revisitOf, 'response') : null);
    }
    const metadata = plans.at(-1)!;
    if (metadata.type !== 'metadata') throw new Error('the last record is the metadata');
    expect(metadata.fields).toContainEqual(['outcome', over.outcome ?? 'fetched']);
    for (const [, v] of metadata.fields) expect(v).not.toMatch(/[\r\n]/);
  });
});
