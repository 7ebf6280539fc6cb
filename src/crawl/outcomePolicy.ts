import type { Outcome } from '../db/schema/domain.js';

/**
 * What each kind of capture outcome means for scheduling. Pure: the crawl asks, the table answers.
 * - retryInPass: try the same URL once more in this pass (after the host delay): transient trouble.
 * - failure: counts towards sources.consecutive_failures (a successful answer resets it).
 * - backoff: the next scheduled check is pushed out by consecutive failures; otherwise the normal
 *   interval, because for a 404 or a robots refusal the next regular check is the useful evidence.
 * - soon: the attempt settled nothing about the source (citewatch's own browser failed): it is due
 *   again within RECHECK_SOON_MS rather than a whole recheck interval later.
 */
export type { Outcome };

export type NetworkErrorKind = 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'other';

export type Policy = { retryInPass: boolean; failure: boolean; backoff: boolean; soon: boolean };

/** How soon an attempt that settled nothing is tried again. */
export const RECHECK_SOON_MS = 3_600_000;

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function outcomePolicy(outcome: Outcome, detail: { httpStatus?: number | null; errorKind?: string | null } = {}): Policy {
  switch (outcome) {
    case 'fetched':
    case 'not-modified':
      return { retryInPass: false, failure: false, backoff: false, soon: false };
    case 'not-rendered': // the page answered; only the browser failed, which is ours to fix
      return { retryInPass: false, failure: false, backoff: false, soon: true };
    case 'http-error': {
      const transient = TRANSIENT_STATUS.has(detail.httpStatus ?? 0);
      return { retryInPass: transient, failure: true, backoff: transient, soon: false };
    }
    case 'network-error': {
      const transient = detail.errorKind === 'timeout' || detail.errorKind === 'reset' || detail.errorKind === 'refused';
      return { retryInPass: transient, failure: true, backoff: true, soon: false };
    }
    case 'robots-disallowed':
    case 'refused-address':
    case 'too-large':
      return { retryInPass: false, failure: true, backoff: false, soon: false };
  }
}

/** When a source is next due: the recheck interval, doubled per consecutive failure up to 16 times. */
export function nextCheckAt(
  now: Date,
  recheckIntervalMs: number,
  consecutiveFailures: number,
  backoff: boolean,
  notBefore?: Date | null,
): Date {
  const factor = backoff ? Math.min(2 ** consecutiveFailures, 16) : 1;
  const at = now.getTime() + recheckIntervalMs * factor;
  return new Date(Math.max(at, notBefore?.getTime() ?? 0));
}

/** Retry-After as milliseconds from now (delta-seconds or an HTTP date), capped; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date, capMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    ms = at - now.getTime();
  }
  return Math.min(Math.max(ms, 0), capMs);
}

/** Names a network failure from the error Node, got or crawlee threw. */
export function classifyNetworkError(err: { code?: string; name?: string; message?: string }): NetworkErrorKind {
  const code = err.code ?? '';
  const text = `${err.name ?? ''} ${err.message ?? ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'ENODATA') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /TimeoutError|timed out|timeout/i.test(text)) return 'timeout';
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code) || /\b(TLS|SSL|certificate)\b/i.test(text))
    return 'tls';
  if (/socket hang up|ECONNRESET|premature close/i.test(text)) return 'reset';
  if (/ECONNREFUSED/.test(text)) return 'refused';
  return 'other';
}
