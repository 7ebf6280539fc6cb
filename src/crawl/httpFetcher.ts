import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
// @crawlee/core, not the 'crawlee' umbrella: loading the umbrella loads @crawlee/browser-pool, whose
// proxy-server module starts an unauthenticated proxy-chain server on every interface as a side effect.
import { GotScrapingHttpClient, processHttpRequestOptions } from '@crawlee/core';

/** One HTTP request, no redirect following: the caller checks and follows each hop itself. */
export type HopRequest = {
  url: string;
  headers: Record<string, string>;
  /** The already-checked address to connect to: DNS is never asked again behind our back. */
  address: string;
};

/** The request as it went on the wire: line and headers in the order sent. */
export type SentRequest = { method: string; url: string; httpVersion: string; headers: [string, string][] };

export type HopResult =
  | {
      ok: true;
      status: number;
      headers: Record<string, string>;
      /** Every response header as received, order, spelling and repeats kept. */
      headerList: [string, string][];
      request: SentRequest;
      body: Buffer;
      tooLarge: boolean;
      bytes: number;
    }
  | { ok: false; error: Error & { code?: string } };

export type HopLimits = { connectTimeoutMs: number; readTimeoutMs: number; totalTimeoutMs: number; maxBodyBytes: number };

/** The response stream as got hands it over: the head of the request it wrote is the only record of what was sent. */
type ResponseStream = Readable & { _request?: { _header?: unknown } };

/**
 * crawlee's HTTP client (got-scraping, as its HttpCrawler uses it), asked one hop at a time by our
 * scheduler: politeness, redirects, address checks and retries are ours. Limits got does not
 * enforce (body and decompressed size) are enforced while streaming the body. Not the HttpCrawler
 * itself: its request queue, task pool and handler pipeline stood between each turn at the gate
 * and the request (a quarter of a second per hop on a busy pass, every hop of the busiest host
 * paying it), and we use none of what they are for.
 */
export function createHttpFetcher(limits: HopLimits) {
  const client = new GotScrapingHttpClient();
  const inFlight = new Set<Promise<HopResult>>();
  // A hop that got somehow never settles must not hold its host forever.
  const backstopMs = limits.totalTimeoutMs + 10_000;

  async function get(hop: HopRequest): Promise<HopResult> {
    const abort = new AbortController();
    const backstop = setTimeout(
      // got (ours) never answered: not the source's timeout (classifyNetworkError: citewatch-timeout).
      () => abort.abort(Object.assign(new Error(`no answer within ${backstopMs} ms`), { code: 'CITEWATCH_TIMEOUT' })),
      backstopMs,
    );
    try {
      const response = await client.stream(
        processHttpRequestOptions({
          url: hop.url,
          method: 'GET',
          headers: hop.headers,
          signal: abort.signal,
          followRedirect: false,
          throwHttpErrors: false,
          decompress: true,
          http2: false,
          useHeaderGenerator: false,
          retry: { limit: 0 },
          dnsLookup: pinnedLookup(hop.address),
          timeout: { connect: limits.connectTimeoutMs, socket: limits.readTimeoutMs, request: limits.totalTimeoutMs },
          // As crawlee's HttpCrawler does (ignoreSslErrors): a source whose certificate lapsed still says what it says.
          https: { rejectUnauthorized: false },
        }),
      );
      const stream = response.stream as ResponseStream;
      const { rawHeaders, httpVersion } = response as unknown as { rawHeaders?: string[]; httpVersion?: string };
      const headers = flattenHeaders(response.headers);
      return {
        ok: true,
        status: response.statusCode,
        headers,
        headerList: pairs(rawHeaders ?? []),
        request: sentRequest(stream._request?._header, hop.url) ?? {
          method: 'GET',
          url: hop.url,
          httpVersion: httpVersion ?? '1.1',
          headers: Object.entries(hop.headers),
        },
        ...(await readLimited(stream, headers, limits.maxBodyBytes)),
      };
    } catch (error) {
      const reason = abort.signal.reason as Error | undefined;
      return { ok: false, error: (abort.signal.aborted && reason ? reason : error) as Error };
    } finally {
      clearTimeout(backstop);
    }
  }

  return {
    fetch(hop: HopRequest): Promise<HopResult> {
      const result = get(hop);
      inFlight.add(result);
      void result.finally(() => inFlight.delete(result));
      return result;
    },
    /** Resolves once every hop in flight has ended: a stopped pass lets them finish. */
    async close(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type HttpFetcher = ReturnType<typeof createHttpFetcher>;

/** A DNS lookup that answers with the address we already checked, whatever name is asked. */
function pinnedLookup(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/** Node's flat [name, value, name, value, …] as pairs. */
function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/**
 * The request read back from its head exactly as Node wrote it to the socket (`ClientRequest._header`):
 * got-scraping and Node add Host and Connection and reorder and re-case what we asked for, so only
 * the written head says what was really sent. Undefined when there is no such head. Pure.
 */
export function sentRequest(head: unknown, url: string): SentRequest | undefined {
  if (typeof head !== 'string') return undefined;
  const [line, ...rest] = head.split('\r\n');
  const requestLine = /^([A-Z]+) \S+ HTTP\/(\d(?:\.\d)?)$/.exec(line);
  if (!requestLine) return undefined;
  const headers = rest
    .filter((h) => h.includes(':'))
    .map((h): [string, string] => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1).trim()]);
  return { method: requestLine[1], url, httpVersion: requestLine[2], headers };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Reads a (decompressed) body up to maxBytes. A declared Content-Length over the cap stops before
 * reading; a body that grows past it while inflating (a gzip bomb) is cut off at the cap.
 */
async function readLimited(
  stream: Readable,
  headers: Record<string, string>,
  maxBytes: number,
): Promise<{ body: Buffer; tooLarge: boolean; bytes: number }> {
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes && !headers['content-encoding']) {
    stream.destroy();
    return { body: Buffer.alloc(0), tooLarge: true, bytes: 0 };
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) {
      stream.destroy();
      return { body: Buffer.alloc(0), tooLarge: true, bytes };
    }
    chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks), tooLarge: false, bytes };
}
