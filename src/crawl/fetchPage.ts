import type { PrivateAllowance } from '../net/addressPolicy.js';
import type { HostGate } from './hostGate.js';
import type { HttpFetcher, SentRequest } from './httpFetcher.js';
import { classifyNetworkError, type Outcome } from './outcomePolicy.js';
import { attributeTimeout, watchStalls } from './processStalls.js';
import { resolveTarget, type Resolver } from './resolveTarget.js';

export type FetchSettings = { userAgent: string; maxRedirects: number; allowPrivateNetwork: PrivateAllowance };

export type FetchDeps = {
  fetcher: HttpFetcher;
  gate: HostGate;
  resolver: Resolver;
  settings: FetchSettings;
  /** Whether robots.txt lets us follow a redirect to this URL: true, or why not. Absent: not asked. */
  robotsAllow?(url: URL): Promise<true | string>;
};

/** What one attempt at a URL came to, after following its redirects. Plain data, ready to archive. */
export type PageFetch = {
  requestedUrl: string;
  redirects: { url: string; status: number }[];
  finalUrl: string | null;
  httpStatus: number | null;
  headers: Record<string, string>;
  /** The last answer's headers as received (order, spelling, repeats) and the request that got it: for a faithful export. */
  responseHeaderList?: [string, string][] | null;
  request?: SentRequest | null;
  body: Buffer | null;
  outcome: Outcome;
  errorKind: string | null;
  errorMessage: string | null;
  /** Hosts asked, with when the last request to each ended (epoch ms), for hosts.last_request_at. */
  requestEnds: Map<string, number>;
  /** When the first hop got its turn at the gate (performance.now()): the attempt's time excludes the wait before. */
  askedAt?: number;
};

const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5';

/**
 * Fetches a URL over HTTP, one hop at a time: every hop is checked (scheme, resolved address, and
 * for a redirect the robots.txt of the host it leads to), waits its turn at the host gate, and is
 * recorded with its status. A repeated URL is a loop.
 * `conditional` headers go only to the hop at `conditional.url`: the page the validators came from
 * (the end of last time's redirects), never to the hops before it.
 */
export async function fetchPage(
  deps: FetchDeps,
  url: string,
  opts: { priority: number; conditional?: { url: string; headers: Record<string, string> }; signal?: AbortSignal },
): Promise<PageFetch> {
  const result: PageFetch = {
    requestedUrl: url,
    redirects: [],
    finalUrl: null,
    httpStatus: null,
    headers: {},
    responseHeaderList: null,
    request: null,
    body: null,
    outcome: 'network-error',
    errorKind: null,
    errorMessage: null,
    requestEnds: new Map(),
  };
  const fail = (outcome: Outcome, errorKind: string | null, message: string): PageFetch =>
    Object.assign(result, { outcome, errorKind, errorMessage: message });
  watchStalls();
  const seen = new Set<string>();
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return fail('network-error', 'other', `not a valid URL: ${url}`);
  }
  for (let hop = 0; ; hop++) {
    result.finalUrl = current.href;
    seen.add(current.href);
    const target = await resolveTarget(current, deps.resolver, deps.settings.allowPrivateNetwork);
    if (!target.ok) {
      if (target.reason === 'refused-address')
        return fail(
          'refused-address',
          target.cls,
          `${current.hostname} is at ${target.address} (${target.cls}); private networks are not crawled`,
        );
      return fail('network-error', target.reason === 'dns' ? 'dns' : 'other', target.message);
    }
    const headers: Record<string, string> = {
      'user-agent': deps.settings.userAgent,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
    };
    if (opts.conditional && opts.conditional.url === current.href) Object.assign(headers, opts.conditional.headers);
    const release = await deps.gate.acquire(current.host, opts.priority, opts.signal);
    const asked = performance.now();
    result.askedAt ??= asked;
    let answer: Awaited<ReturnType<FetchDeps['fetcher']['fetch']>>;
    try {
      answer = await deps.fetcher.fetch({ url: current.href, headers, address: target.address });
    } finally {
      result.requestEnds.set(current.host, Date.now());
      release();
    }
    if (!answer.ok)
      return fail('network-error', attributeTimeout(classifyNetworkError(answer.error), asked), cleanMessage(answer.error.message));
    result.redirects.push({ url: current.href, status: answer.status });
    result.httpStatus = answer.status;
    result.headers = answer.headers;
    result.responseHeaderList = answer.headerList;
    result.request = answer.request;
    const location = answer.headers.location;
    if (answer.status >= 300 && answer.status < 400 && answer.status !== 304 && location) {
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return fail('http-error', 'bad-redirect', `redirect to an invalid location: ${location}`);
      }
      if (seen.has(next.href)) return fail('http-error', 'redirect-loop', `redirect loop: ${next.href} was already visited`);
      if (hop + 1 > deps.settings.maxRedirects)
        return fail('http-error', 'too-many-redirects', `more than ${deps.settings.maxRedirects} redirects`);
      const allowed = deps.robotsAllow ? await deps.robotsAllow(next) : true;
      if (allowed !== true) {
        result.finalUrl = next.href;
        return fail('robots-disallowed', 'robots', allowed);
      }
      current = next;
      continue;
    }
    if (answer.tooLarge) return fail('too-large', 'body', `body larger than the cap (${answer.bytes} bytes read before stopping)`);
    result.body = answer.body;
    if (answer.status === 304) return Object.assign(result, { outcome: 'not-modified' as const });
    if (answer.status >= 200 && answer.status < 300) return Object.assign(result, { outcome: 'fetched' as const });
    return fail('http-error', null, `HTTP ${answer.status}`);
  }
}

/** crawlee prefixes some network errors with its own session chatter; keep what the network said. */
function cleanMessage(message: string): string {
  return message
    .replace(/^Detected a session error, rotating session\.\.\.\s*/i, '')
    .trim()
    .slice(0, 500);
}
