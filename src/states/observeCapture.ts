import type { Signals } from '../extract/types.js';
import { pathDepth, redirectKind } from './redirectKind.js';

/** What extraction noticed about a page (src/extract signals). */
export type PageSignals = Signals;

/** One capture, as the classifier needs it: plain data, already joined with its snapshot and probe. */
export type CaptureFacts = {
  id: number;
  at: Date;
  /** fetched, not-modified, http-error, network-error, robots-disallowed, too-large, refused-address, not-rendered. */
  outcome: string;
  errorKind?: string | null;
  httpStatus?: number | null;
  finalUrl?: string | null;
  redirects?: { url: string; status: number }[];
  /** Response headers kept with the capture (server, cf-mitigated, ...). */
  headers?: Record<string, string>;
  snapshotId?: number | null;
  /** Hash of the snapshot's extracted text: the same text read again is the same page. */
  textHash?: string | null;
  /** Signals of the capture's snapshot (the rendered one when there is one); null without a body. */
  signals?: PageSignals | null;
  /** Whether the page resembles the host's answer for a path that cannot exist (looksLikeProbe). */
  matchesProbe?: boolean;
};

/**
 * What one capture says about a source, on its own:
 * - content: the page was read (its change, if any, is judged against the last verified content);
 * - vanish: evidence the page is gone, to be confirmed by consecutive checks;
 * - unreachable: a network or server failure, saying nothing about the page;
 * - blocked: the page answered that it may not be read (challenge, login wall, 401/403, robots);
 * - inconclusive: citewatch's own machinery failed (render, extraction, its own timeout): nothing about the source.
 */
export type Observation =
  | { kind: 'content' }
  | { kind: 'vanish'; reason: string }
  | { kind: 'unreachable'; reason: string; countsTowardVanish: boolean }
  | { kind: 'blocked'; reason: string }
  | { kind: 'inconclusive'; reason: string };

const NETWORK_KINDS = new Set(['dns', 'refused', 'reset', 'timeout', 'tls']);

export function observeCapture(requestedUrl: string, c: CaptureFacts): Observation {
  const status = c.httpStatus ?? null;
  switch (c.outcome) {
    case 'not-modified':
      // Unchanged since the last body, which it stands for (paywalled then, paywalled now).
      return observePage(requestedUrl, c);
    case 'network-error': {
      // citewatch's own timeout (its backstop, its process stalled): nothing about the source.
      if (c.errorKind === 'citewatch-timeout') return { kind: 'inconclusive', reason: 'citewatch-timeout' };
      const kind = c.errorKind && NETWORK_KINDS.has(c.errorKind) ? c.errorKind : 'network';
      return { kind: 'unreachable', reason: kind, countsTowardVanish: true };
    }
    case 'robots-disallowed':
      return { kind: 'blocked', reason: 'robots' };
    case 'not-rendered':
      return observeUnrendered(requestedUrl, c, status);
    case 'too-large':
    case 'refused-address':
      return { kind: 'blocked', reason: c.outcome };
    case 'http-error':
      return challenged(c, status) ? { kind: 'blocked', reason: 'bot-challenge' } : observeStatus(status);
    case 'fetched':
      if (status !== null && status >= 400)
        return challenged(c, status) ? { kind: 'blocked', reason: 'bot-challenge' } : observeStatus(status);
      return observePage(requestedUrl, c);
    default:
      return { kind: 'blocked', reason: c.outcome };
  }
}

/**
 * A challenge page answered with an error status (503 or 403 from a CDN) is a block, not an outage.
 * A plain 403 "Access Denied" reads like a challenge too, so there the CDN must say so in its headers.
 */
function challenged(c: CaptureFacts, status: number | null): boolean {
  if (!c.signals?.botChallenge) return false;
  if (status !== 401 && status !== 403) return true;
  const h = c.headers ?? {};
  return h['cf-mitigated'] === 'challenge' || /cloudflare|ddos-guard|sucuri/i.test(h.server ?? '');
}

function observeStatus(status: number | null): Observation {
  if (status === 404 || status === 410) return { kind: 'vanish', reason: `http-${status}` };
  if (status === 401 || status === 403) return { kind: 'blocked', reason: `http-${status}` };
  // Rate limiting proves the server is alive: unreachable for now, never evidence of vanishing.
  if (status === 429) return { kind: 'unreachable', reason: 'http-429', countsTowardVanish: false };
  // A gateway that gave up waiting for the site (504; Cloudflare's 522, 524) saw it hang: a timeout.
  if (status === 504 || status === 522 || status === 524) return { kind: 'unreachable', reason: 'timeout', countsTowardVanish: true };
  if (status !== null && status >= 500) return { kind: 'unreachable', reason: 'http-5xx', countsTowardVanish: true };
  if (status !== null && status >= 400) return { kind: 'blocked', reason: `http-${status}` };
  return { kind: 'unreachable', reason: status === null ? 'http-error' : `http-${status}`, countsTowardVanish: false };
}

/**
 * The browser failed (timeout, crash, nothing settled), but the HTTP answer is known: a redirect to the
 * root or a section, a 404/410, a parked domain or a challenge says what the page is whatever a browser
 * would have drawn. Otherwise the failure is citewatch's: the raw bytes of a page that needs a browser
 * are not its text, so they are neither compared with the host's not-found page nor read as content.
 */
function observeUnrendered(requestedUrl: string, c: CaptureFacts, status: number | null): Observation {
  const moved = redirectKind(requestedUrl, c.finalUrl ?? lastHop(c));
  if (moved) return { kind: 'vanish', reason: moved };
  if (status !== null && status >= 400) return challenged(c, status) ? { kind: 'blocked', reason: 'bot-challenge' } : observeStatus(status);
  if (c.signals?.parked) return { kind: 'vanish', reason: 'parked-domain' };
  if (c.signals?.botChallenge) return { kind: 'blocked', reason: 'bot-challenge' };
  return { kind: 'inconclusive', reason: 'not-rendered' };
}

function observePage(requestedUrl: string, c: CaptureFacts): Observation {
  const s = c.signals;
  if (s?.parked) return { kind: 'vanish', reason: 'parked-domain' };
  const moved = redirectKind(requestedUrl, c.finalUrl ?? lastHop(c), s?.layout);
  if (moved) return { kind: 'vanish', reason: moved };
  // No text to judge by: the extraction ran out of time (a busy machine) or memory, which says nothing of the page.
  if (s?.extraction === 'timeout' || s?.extraction === 'out-of-memory')
    return { kind: 'inconclusive', reason: `extraction-${s.extraction}` };
  // A cited home page resembles whatever the host serves for junk paths when that is its home page;
  // a PDF is not the host's HTML not-found page, whatever its few words have in common with it.
  if ((c.matchesProbe && pathDepth(requestedUrl) > 0 && !isPdf(c)) || s?.errorPage) return { kind: 'vanish', reason: 'soft-404' };
  if (s?.botChallenge) return { kind: 'blocked', reason: 'bot-challenge' };
  if (s?.paywall) return { kind: 'blocked', reason: 'paywall' };
  // A script shell nobody rendered (no browser, or none this time): the page was not read, by our doing.
  if (s?.scriptShell) return { kind: 'inconclusive', reason: 'not-rendered' };
  return { kind: 'content' };
}

function isPdf(c: CaptureFacts): boolean {
  return /\bpdf\b/i.test(c.headers?.['content-type'] ?? '');
}

function lastHop(c: CaptureFacts): string | null {
  return c.redirects && c.redirects.length > 0 ? c.redirects[c.redirects.length - 1].url : null;
}
