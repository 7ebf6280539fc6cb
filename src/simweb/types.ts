/**
 * The shape of a simulated web: logical hosts, their pages, and how each page behaves in each
 * round. A spec is plain data (plus optional functions for odd cases) so tests can build one inline.
 */

export type Article = {
  headline: string;
  byline: string;
  /** ISO date (YYYY-MM-DD) the story says it was published. */
  published: string;
  paragraphs: string[];
  /** Section slug used for breadcrumbs and the "redirect to section" behaviour, e.g. 'politics'. */
  section?: string;
};

/** 'script' builds its text from an opaque payload (browser only); 'app' from inline JSON (see appShell.ts). */
export type TemplateName = 'news' | 'wire' | 'gov' | 'encyclopedia' | 'blog' | 'pdf' | 'script' | 'app';
export type Skin = 'classic' | 'redesign';

/** How article bytes are encoded and which charset is declared where (null = not declared there). */
export type CharsetMode = {
  bytes: 'utf-8' | 'windows-1252' | 'iso-8859-1';
  header: string | null;
  meta: string | null;
};

/** A redirect target: a path on the same host, an absolute URL, or a path on another logical host. */
export type Location = string | { host: string; path: string };

export type Behaviour =
  | {
      kind: 'article';
      template: TemplateName;
      article: Article;
      skin?: Skin;
      charset?: CharsetMode;
      /** Only the first paragraph and a "Subscribe to continue reading" box. */
      paywall?: boolean;
      /**
       * Makes every browser render fail while HTTP clients read the page as usual, as citewatch's own
       * renders fail: { stall }, a blocking script from `stall` (a page that hangs) never arrives, so
       * nothing settles and the render times out; 'blank', a script leaves at once for about:blank.
       */
      breaksBrowser?: 'blank' | { stall: Location };
    }
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308; location: Location }
  /** 200 with an app shell whose script sends the browser on (a client-side router); HTTP clients stay. */
  | { kind: 'clientRedirect'; location: Location }
  | { kind: 'status'; status: number; body?: string; contentType?: string; retryAfter?: string | number; headers?: Record<string, string> }
  /** A delay before the headers (delayMs) and/or a body sent in small chunks (trickle), then `then`. */
  | { kind: 'slow'; delayMs?: number; trickle?: { chunkBytes: number; intervalMs: number }; then: Behaviour }
  /** Accepts the request and never answers (until the web closes). */
  | { kind: 'hang' }
  /** Destroys the socket without an answer (the client sees ECONNRESET / "socket hang up"). */
  | { kind: 'reset' }
  /** 200 with a generated body of exactly `bytes` bytes. */
  | { kind: 'large'; bytes: number; contentType?: string }
  /** 200, Content-Encoding: gzip, a small body that inflates to `inflatedBytes` (default 256 MiB). */
  | { kind: 'gzipBomb'; inflatedBytes?: number }
  | { kind: 'parked' }
  /** 200 with a "page not found" page. */
  | { kind: 'soft404' }
  /** A Cloudflare-like "Just a moment..." interstitial (403 by default). */
  | { kind: 'botChallenge'; status?: 403 | 503 }
  /** A front or section page listing the host's articles. */
  | { kind: 'front'; title?: string }
  | { kind: 'raw'; status: number; headers?: Record<string, string>; body: string | Uint8Array };

export type PageContext = {
  round: number;
  /** 0-based count of earlier requests to this page in this round. */
  hit: number;
};

/**
 * A page: one behaviour, or one per round (`rounds[min(round, last)]`), or one per request within
 * a round (`sequence[min(hit, last)]`, for transient failures that recover), or a function.
 */
export type PageSpec =
  | Behaviour
  | { kind: 'rounds'; rounds: PageSpec[] }
  | { kind: 'sequence'; steps: PageSpec[] }
  | ((ctx: PageContext) => Behaviour);

export type HostSpec = {
  robotsTxt?: string;
  /** Keyed by path, or by path+query when the query matters ('/story?id=3'). */
  pages: Record<string, PageSpec>;
  /** What unknown paths answer; default a branded 404. Use { kind: 'soft404' } for a soft-404 site. */
  notFound?: PageSpec;
  /** From this round on every path (robots.txt too) answers a parked-domain page. */
  parkedFromRound?: number;
  /** The template whose chrome front pages and error pages of this host wear. */
  template?: TemplateName;
  /** Pin this host to an address (must be in 127.0.0.0/8); otherwise allocated in order. */
  address?: string;
};

export type WebSpec = {
  hosts: Record<string, HostSpec>;
  /** Seed for the per-request noise. */
  seed?: number;
  /** Defaults for startSimWeb's options (simulateCorpus pins them so rewritten URLs stay valid). */
  port?: number;
  firstAddress?: string;
};

export type RequestRecord = {
  seq: number;
  host: string;
  address: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  round: number;
  hit: number;
  headers: { ifNoneMatch?: string; ifModifiedSince?: string; userAgent?: string; accept?: string; acceptEncoding?: string };
  /** Epoch milliseconds with sub-millisecond precision. */
  startMs: number;
  /** When the response finished or the socket closed; null while still open. */
  endMs: number | null;
  /** null when no status was sent (hang, reset). */
  status: number | null;
  outcome: 'pending' | 'answered' | 'reset' | 'hung' | 'aborted';
};

export type HostPoliteness = {
  requests: number;
  maxConcurrent: number;
  /** Smallest end-to-start gap: from the end of one request to the start of the next one (0 if they overlapped); null with fewer than 2 requests. */
  minGapMs: number | null;
  /** Smallest start-to-start interval between consecutive requests; null with fewer than 2 requests. */
  minStartGapMs: number | null;
};

export type SimWeb = {
  port: number;
  hosts: string[];
  url(host: string, path?: string): string;
  /** The logical host name of a simulated URL (undefined for an address that is not a host). */
  hostOf(url: string): string | undefined;
  addressOf(host: string): string;
  /** A URL on an address that nothing listens on: connecting is refused. */
  refusedUrl(path?: string): string;
  setRound(n: number): void;
  readonly round: number;
  readonly log: readonly RequestRecord[];
  politeness(): Record<string, HostPoliteness>;
  /** Resolves once `n` requests have started (or finished, with { finished: true }) since the web started. */
  waitForRequests(n: number, options?: { finished?: boolean; timeoutMs?: number }): Promise<RequestRecord[]>;
  close(): Promise<void>;
};
