import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { HttpCrawler, log as crawleeLog, type HttpCrawlingContext } from '@crawlee/http'; // not 'crawlee': see crawleeRuntime.ts
import { batchedAdder, crawleeConfig, keepAliveRunner } from './crawleeRuntime.js';

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

type Pending = { hop: HopRequest; resolve(result: HopResult): void; read?: Extract<HopResult, { ok: true }> };

const ALL_ERROR_STATUSES = Array.from({ length: 200 }, (_, i) => 400 + i);

/**
 * A long-lived crawlee HttpCrawler (keepAlive, in-memory storage, no retries, no sessions) fed one
 * hop at a time by our scheduler. crawlee does the HTTP; politeness, redirects, address checks and
 * retries are ours. Limits crawlee does not enforce (body and decompressed size) are enforced while
 * streaming the body in a postNavigationHook, before crawlee would buffer it.
 */
export function createHttpFetcher(limits: HopLimits & { concurrency: number }) {
  crawleeLog.setLevel(crawleeLog.LEVELS.OFF);
  const pending = new Map<string, Pending>();
  const config = crawleeConfig();
  const crawler = new HttpCrawler(
    {
      keepAlive: true,
      maxRequestRetries: 0,
      useSessionPool: false,
      persistCookiesPerSession: false,
      maxConcurrency: limits.concurrency,
      autoscaledPoolOptions: { desiredConcurrency: limits.concurrency, minConcurrency: limits.concurrency, maybeRunIntervalSecs: 0.005 },
      navigationTimeoutSecs: Math.ceil(limits.totalTimeoutMs / 1000) + 2,
      requestHandlerTimeoutSecs: Math.ceil(limits.totalTimeoutMs / 1000) + 5,
      additionalMimeTypes: ['*/*'],
      ignoreHttpErrorStatusCodes: ALL_ERROR_STATUSES,
      statusMessageLoggingInterval: 3600,
      preNavigationHooks: [
        ({ request }, gotOptions) => {
          const p = pending.get(request.uniqueKey);
          if (!p) return;
          Object.assign(gotOptions, {
            followRedirect: false,
            throwHttpErrors: false,
            decompress: true,
            http2: false,
            useHeaderGenerator: false,
            retry: { limit: 0 },
            headers: p.hop.headers,
            dnsLookup: pinnedLookup(p.hop.address),
            timeout: { connect: limits.connectTimeoutMs, socket: limits.readTimeoutMs, request: limits.totalTimeoutMs },
          });
        },
      ],
      postNavigationHooks: [
        async (ctx) => {
          const p = pending.get(ctx.request.uniqueKey);
          const stream = ctx.response as unknown as Readable & {
            statusCode: number;
            headers: Record<string, string | string[]>;
            rawHeaders: string[];
            httpVersion: string;
            url: string;
            /** got's ClientRequest: its written head is the only record of what was really sent. */
            _request?: { _header?: unknown };
          };
          if (!p || !stream) return;
          p.read = {
            ok: true,
            status: stream.statusCode,
            headers: flattenHeaders(stream.headers),
            headerList: pairs(stream.rawHeaders ?? []),
            request: sentRequest(stream._request?._header, p.hop.url) ?? {
              method: 'GET',
              url: p.hop.url,
              httpVersion: stream.httpVersion ?? '1.1',
              headers: Object.entries(p.hop.headers),
            },
            ...(await readLimited(stream, limits.maxBodyBytes)),
          };
          // crawlee goes on to parse "the response": hand it an empty one so it buffers nothing more.
          const empty = Object.assign(Readable.from([]), { statusCode: 200, headers: {}, url: stream.url });
          (ctx as { response: unknown }).response = empty;
        },
      ],
      requestHandler: async ({ request }: HttpCrawlingContext) => {
        const p = pending.get(request.uniqueKey);
        if (p?.read) p.resolve(p.read);
      },
      failedRequestHandler: async ({ request }, error) => {
        pending.get(request.uniqueKey)?.resolve({ ok: false, error });
      },
    },
    config,
  );
  const runner = keepAliveRunner(crawler);
  const queued = batchedAdder(crawler);
  // A hop that crawlee somehow never answers must not hold its host forever.
  const backstopMs = limits.totalTimeoutMs + 10_000;

  return {
    async fetch(hop: HopRequest): Promise<HopResult> {
      const key = randomUUID();
      const result = new Promise<HopResult>((resolve) => pending.set(key, { hop, resolve }));
      let timer: NodeJS.Timeout | undefined;
      const backstop = new Promise<HopResult>((resolve) => {
        timer = setTimeout(
          // crawlee (ours) never answered: not the source's timeout (classifyNetworkError: citewatch-timeout).
          () => resolve({ ok: false, error: Object.assign(new Error(`no answer within ${backstopMs} ms`), { code: 'CITEWATCH_TIMEOUT' }) }),
          backstopMs,
        );
      });
      try {
        await runner.start();
        await queued.add({ url: hop.url, uniqueKey: key });
        return await Promise.race([result, backstop]);
      } catch (error) {
        return { ok: false, error: error as Error };
      } finally {
        clearTimeout(timer);
        pending.delete(key);
      }
    },
    close: () => runner.stop(),
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
  stream: Readable & { headers: Record<string, string | string[]> },
  maxBytes: number,
): Promise<{ body: Buffer; tooLarge: boolean; bytes: number }> {
  const declared = Number(stream.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes && !stream.headers['content-encoding']) {
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
