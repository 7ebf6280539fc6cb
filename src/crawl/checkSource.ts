import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { prepareSnapshot, type CaptureRow, type PreparedSnapshot, type PreviousSnapshots } from '../archive/store.js';
import { saveScreenshot } from '../archive/screenshots.js';
import type { RenderRequest, RenderResult } from './browserRenderer.js';
import type { DueSource } from './selectSources.js';
import { selectHeaders } from './captureRecord.js';
import type { CrawlContext, HostInfo } from './context.js';
import { fetchPage, type PageFetch } from './fetchPage.js';
import { outcomePolicy, parseRetryAfter, type Outcome } from './outcomePolicy.js';
import { passTimings } from './passTimings.js';
import { nextRenderMode, renderEvidence } from './renderMode.js';
import { resolveTarget } from './resolveTarget.js';
import { revisitFacts } from './reschedule.js';
import { nextRevisit } from './revisitPolicy.js';
import { robotsAllows } from './robots.js';

const gunzip = promisify(gunzipCallback);

export const defaultWorkerId = () => `${hostname()}:${process.pid}`;

/** The result of one attempt: what it found (handed to the writer), and what the host loop should do next. */
export type Attempt = {
  capture: Pick<CaptureRow, 'outcome' | 'bodyHash' | 'requestedUrl'>;
  previousHash: string | null;
  retryInPass: boolean;
  waitMs: number;
  failures: number;
};

type Draft = Omit<PageFetch, 'body' | 'requestEnds'> & {
  fetcher: 'http' | 'browser';
  raw: PreparedSnapshot | null;
  rendered: PreparedSnapshot | null;
  screenshotHash: string | null;
};

/**
 * One attempt at one source: robots, then HTTP (or the browser for hosts that need one), a render
 * when the HTTP answer is a script shell, then the capture handed to the pass's writer. The host
 * goes on to its next request without waiting for the batch's commit (the writer's room() bounds how
 * far ahead of the database a pass may run); a capture that cannot be stored stops the pass (onStoreFailure).
 */
export async function checkSource(
  ctx: CrawlContext,
  source: DueSource,
  info: HostInfo,
  prev: PreviousSnapshots | null,
  signal?: AbortSignal,
): Promise<Attempt> {
  const startedAt = ctx.now();
  const t0 = performance.now();
  const draft = await attempt(ctx, source, info, prev, signal);

  const retryAfterMs =
    draft.httpStatus === 429 || draft.httpStatus === 503
      ? parseRetryAfter(draft.headers['retry-after'], startedAt, ctx.config.maxRetryAfterMs)
      : null;
  const notBefore = retryAfterMs !== null ? new Date(Date.now() + retryAfterMs) : null;
  if (retryAfterMs !== null) ctx.fetch.gate.holdUntil(info.host, ctx.fetch.gate.now() + retryAfterMs);
  const policy = outcomePolicy(draft.outcome, draft);
  const failures = policy.failure ? source.consecutiveFailures + 1 : 0;
  const success = draft.outcome === 'fetched' || draft.outcome === 'not-rendered';
  const checkedAt = ctx.now();
  const modeChanged = learnRenderMode(info, draft);
  const storing = performance.now();
  const stored = ctx.writer.write({
    capture: {
      sourceId: source.id,
      startedAt,
      // From the request's turn at the gate: waiting for politeness is ours, not the source's.
      durationMs: Math.round(performance.now() - (draft.askedAt ?? t0)),
      requestedUrl: draft.requestedUrl,
      redirects: draft.redirects,
      finalUrl: draft.finalUrl,
      httpStatus: draft.httpStatus,
      headers: selectHeaders(draft.headers),
      responseHeaderList: draft.responseHeaderList ?? null,
      request: draft.request ?? null,
      fetcher: draft.fetcher,
      outcome: draft.outcome,
      errorKind: draft.errorKind,
      errorMessage: draft.errorMessage,
      screenshotHash: draft.screenshotHash,
      workerId: ctx.workerId,
    },
    raw: draft.raw,
    rendered: draft.rendered,
    reuseSnapshotId: draft.outcome === 'not-modified' ? (prev?.snapshotId ?? null) : null,
    reuseRenderedSnapshotId: draft.outcome === 'not-modified' ? (prev?.renderedSnapshotId ?? null) : null,
    source,
    update: {
      checkedAt,
      // From the state before this capture; settling the state reschedules when the state moves (src/crawl/reschedule.ts).
      nextCheckAt: nextRevisit(
        revisitFacts({ ...source, consecutiveFailures: failures, checkedAt }, draft, ctx.config.maxRetryAfterMs),
        ctx.config,
      ).at,
      consecutiveFailures: failures,
      ...(success && draft.fetcher === 'http'
        ? { etag: draft.headers.etag ?? null, lastModified: draft.headers['last-modified'] ?? null }
        : {}),
    },
    // The host row changes only when it has news; last_request_at is written when the host is released.
    hostTouched:
      notBefore || modeChanged
        ? {
            host: info.host,
            at: ctx.lastRequest(info.host) ?? checkedAt,
            ...(notBefore ? { notBefore } : {}),
            ...(modeChanged ? { renderMode: info.renderMode } : {}),
          }
        : undefined,
  });
  void stored.then(
    () => {
      passTimings.storeMs += performance.now() - storing;
      passTimings.stores++;
    },
    (err) => ctx.onStoreFailure(err),
  );
  await ctx.writer.room();
  const capture = { outcome: draft.outcome, bodyHash: draft.raw?.hash ?? null, requestedUrl: draft.requestedUrl };
  return { capture, previousHash: prev?.hash ?? null, retryInPass: policy.retryInPass, waitMs: retryAfterMs ?? 0, failures };
}

async function attempt(
  ctx: CrawlContext,
  source: DueSource,
  info: HostInfo,
  prev: PreviousSnapshots | null,
  signal?: AbortSignal,
): Promise<Draft> {
  const base = {
    requestedUrl: source.url,
    redirects: [],
    finalUrl: null,
    httpStatus: null,
    headers: {},
    errorKind: null,
    errorMessage: null,
    raw: null,
    rendered: null,
    screenshotHash: null,
    fetcher: 'http' as const,
  };
  if (info.robots.failure) {
    const outcome: Outcome = info.robots.failure.errorKind === 'robots-unavailable' ? 'robots-disallowed' : 'network-error';
    return { ...base, outcome, errorKind: info.robots.failure.errorKind, errorMessage: info.robots.failure.message };
  }
  if (!robotsAllows(info.robots, source.url, ctx.config.userAgent)) {
    return {
      ...base,
      outcome: 'robots-disallowed',
      errorKind: 'robots',
      errorMessage: `robots.txt of ${info.host} disallows this URL for ${ctx.config.userAgent.split(/[\s/]/)[0]}`,
    };
  }
  // A document that is no web page (a PDF by its name) goes over HTTP even on a host that needs a browser for its pages.
  const browserFirst = info.renderMode === 'browser' && ctx.config.browserEnabled && !DOCUMENT_PATH.test(new URL(source.url).pathname);
  let browserFailure: string | null = null;
  if (browserFirst) {
    const viaBrowser = await browserNavigate(ctx, source, info);
    if (typeof viaBrowser !== 'string') return viaBrowser;
    browserFailure = viaBrowser;
  }
  const { draft, raw, unchangedShell } = await fetchOverHttp(ctx, source, info, prev, signal);
  if (raw) {
    const asked = performance.now();
    draft.raw = await raw;
    passTimings.extractMs += performance.now() - asked;
  }
  if (draft.outcome === 'fetched' && browserFailure) {
    Object.assign(draft, { outcome: 'not-rendered', errorKind: 'browser', errorMessage: browserFailure });
  } else if (draft.outcome === 'fetched' && draft.raw?.signals?.scriptShell && ctx.config.browserEnabled && !browserFirst) {
    // Signals too of a shell archived before: an unchanged shell is rendered every time, since its data may have changed.
    const bytes = draft.raw.gzipped ? await gunzip(draft.raw.gzipped) : unchangedShell;
    if (bytes) await renderShell(ctx, draft, bytes, info);
  }
  return draft;
}

/**
 * The page over HTTP, and its snapshot on its way (raw: hashing, compressing, extracting). Its bytes
 * go no further than prepareSnapshot: this function has returned while the page waits for its text
 * (an async function's frame keeps every variable it had until it ends), so the bytes of the
 * thousands of pages waiting on a busy pass die young. A shell is rendered from its compressed copy,
 * or, when it is the previous snapshot again (nothing compressed), from its bytes, which are kept
 * when that previous snapshot was a shell, and only then.
 */
async function fetchOverHttp(
  ctx: CrawlContext,
  source: DueSource,
  info: HostInfo,
  prev: PreviousSnapshots | null,
  signal?: AbortSignal,
): Promise<{ draft: Draft; raw: Promise<PreparedSnapshot> | null; unchangedShell: Buffer | null }> {
  const validators: Record<string, string> = {};
  if (source.etag) validators['if-none-match'] = source.etag;
  if (source.lastModified) validators['if-modified-since'] = source.lastModified;
  const conditional = prev?.finalUrl ? { url: prev.finalUrl, headers: validators } : undefined;
  const page = await fetchPage(ctx.fetch, source.url, { priority: source.priority, conditional, signal });
  ctx.noteRequests(page.requestEnds);
  const { body, requestEnds: _ends, ...rest } = page;
  const draft: Draft = { ...rest, fetcher: 'http', raw: null, rendered: null, screenshotHash: null };
  if (!body || body.length === 0 || page.outcome === 'not-modified') return { draft, raw: null, unchangedShell: null };
  const known = prev ? { id: prev.snapshotId, hash: prev.hash, signals: prev.signals } : null;
  const hostWork = ctx.fetch.gate.workLeftMs(info.host);
  const raw = prepareSnapshot(body, page.headers['content-type'] ?? null, 'raw', page.finalUrl ?? source.url, known, hostWork);
  return { draft, raw, unchangedShell: known?.signals?.scriptShell ? body : null };
}

/**
 * Whether the render found text the HTTP answer did not have. A shell-looking page whose render reads
 * the same (a short story beside a large JSON state) is no vote for sending its host to the browser.
 */
function browserHelped(draft: Draft): boolean {
  if (!draft.rendered) return false;
  if (!draft.raw) return true; // fetched by the browser in the first place
  const rawWords = draft.raw.signals?.wordCount ?? 0;
  const renderedWords = draft.rendered.signals?.wordCount;
  return renderedWords !== undefined && renderedWords >= 2 * rawWords && renderedWords - rawWords >= 10;
}

/** Counts what this page says about its host's need for a browser (renderMode.ts); true when the host's mode changed. */
function learnRenderMode(info: HostInfo, draft: Draft): boolean {
  const evidence = renderEvidence({
    fetched: draft.outcome === 'fetched',
    rendered: draft.rendered !== null,
    renderHelped: browserHelped(draft),
    shell: draft.raw?.signals?.scriptShell ?? false,
  });
  const next = nextRenderMode(info.renderMode, info.renderTally, evidence);
  const changed = next.mode !== info.renderMode;
  Object.assign(info, { renderMode: next.mode, renderTally: next.tally });
  return changed;
}

/** One render for the pass: screenshots as asked, the pass's stop signal, the host's share of the work left; the host was asked. */
async function render(ctx: CrawlContext, info: HostInfo, page: Pick<RenderRequest, 'url' | 'document'>): Promise<RenderResult> {
  const r = await ctx.renderer.render({
    ...page,
    screenshot: ctx.screenshots,
    signal: ctx.signal,
    hostWorkLeftMs: ctx.fetch.gate.workLeftMs(info.host),
  });
  ctx.noteRequests(new Map([[info.host, Date.now()]]));
  return r;
}

/** A script shell fetched over HTTP: the browser renders those very bytes (no second download). */
async function renderShell(ctx: CrawlContext, draft: Draft, body: Uint8Array, info: HostInfo): Promise<void> {
  const r = await render(ctx, info, { url: draft.finalUrl!, document: { status: draft.httpStatus ?? 200, headers: draft.headers, body } });
  if (!r.ok) return void Object.assign(draft, { outcome: 'not-rendered', errorKind: 'browser', errorMessage: r.message });
  // A shell that sent the browser elsewhere (a router's client-side redirect) ends where the browser did, as a browser fetch would.
  draft.finalUrl = r.finalUrl;
  const hostWork = ctx.fetch.gate.workLeftMs(info.host);
  draft.rendered = await prepareSnapshot(Buffer.from(r.html, 'utf8'), 'text/html; charset=utf-8', 'rendered', r.finalUrl, null, hostWork);
  if (r.screenshot) draft.screenshotHash = await saveScreenshot(ctx.config.home, r.screenshot);
}

/** Paths of documents the browser does not render as pages. */
const DOCUMENT_PATH = /\.(pdf|docx?|xlsx?|pptx?|zip|csv|txt|json|xml)$/i;

/** Whether a Content-Type is a web page (HTML or XHTML); absent, the browser's word is taken. */
function isWebPage(contentType: string | undefined): boolean {
  return !contentType || /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

/** A host known to need a browser: the browser fetches and renders; if it cannot, why (HTTP then). */
async function browserNavigate(ctx: CrawlContext, source: DueSource, info: HostInfo): Promise<Draft | string> {
  const target = await resolveTarget(new URL(source.url), ctx.fetch.resolver, ctx.config.allowPrivateNetwork);
  if (!target.ok) return ''; // the HTTP path records the refusal or DNS failure precisely
  const r = await render(ctx, info, { url: source.url });
  if (!r.ok) return r.message;
  // Not a web page after all: Chromium shows a PDF in its viewer, a page with no text (and the
  // document's bytes are not what it read), which a recapture took for the source's text gone.
  // HTTP fetches and extracts it, as on any host ('' is no browser failure).
  if (!isWebPage(r.headers['content-type'])) return '';
  const status = r.status ?? 0;
  const outcome: Outcome = status >= 200 && status < 300 ? 'fetched' : 'http-error';
  const contentType = r.headers['content-type'] ?? null;
  const hostWork = ctx.fetch.gate.workLeftMs(info.host);
  return {
    requestedUrl: source.url,
    redirects: r.redirects,
    finalUrl: r.finalUrl,
    httpStatus: r.status,
    headers: r.headers,
    responseHeaderList: r.headerList,
    request: r.request,
    outcome,
    errorKind: null,
    errorMessage: outcome === 'http-error' ? `HTTP ${status}` : null,
    fetcher: 'browser',
    raw: r.raw && r.raw.length > 0 ? await prepareSnapshot(r.raw, contentType, 'raw', r.finalUrl, null, hostWork) : null,
    rendered: await prepareSnapshot(Buffer.from(r.html, 'utf8'), 'text/html; charset=utf-8', 'rendered', r.finalUrl, null, hostWork),
    screenshotHash: r.screenshot ? await saveScreenshot(ctx.config.home, r.screenshot) : null,
  };
}
