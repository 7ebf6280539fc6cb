import type { Outcome } from '../db/schema/domain.js';

/**
 * What each kind of capture outcome means for scheduling. Pure: the crawl asks, the table answers.
 * - retryInPass: try the same URL once more in this pass (after the host delay): transient trouble.
 * - failure: counts towards sources.consecutive_failures (a successful answer resets it).
 * - backoff: a transient failure: the next check comes soon and, failure after failure, less soon;
 *   otherwise the states decide, because for a 404 or a robots refusal the classifier's view of the
 *   source (a vanish to confirm, a block) is what the next check is for.
 * - soon: the attempt settled nothing about the source (citewatch's own browser failed): it is due
 *   again within revisitConfirmMs rather than a whole interval later.
 * When the next check comes is revisitPolicy.ts's answer to these and the source's state.
 */
export type { Outcome };

/** citewatch-timeout: our own machinery ran out of time (a backstop, a stalled process), not the source. */
export type NetworkErrorKind = 'dns' | 'refused' | 'reset' | 'timeout' | 'citewatch-timeout' | 'tls' | 'other';

export type Policy = { retryInPass: boolean; failure: boolean; backoff: boolean; soon: boolean };

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
      if (detail.errorKind === 'citewatch-timeout') return { retryInPass: true, failure: false, backoff: false, soon: true };
      const transient = detail.errorKind === 'timeout' || detail.errorKind === 'reset' || detail.errorKind === 'refused';
      return { retryInPass: transient, failure: true, backoff: true, soon: false };
    }
    case 'robots-disallowed':
    case 'refused-address':
    case 'too-large':
      return { retryInPass: false, failure: true, backoff: false, soon: false };
  }
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

/** Names a network failure from the error Node or got threw. */
export function classifyNetworkError(err: { code?: string; name?: string; message?: string }): NetworkErrorKind {
  const code = err.code ?? '';
  const text = `${err.name ?? ''} ${err.message ?? ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'ENODATA') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED') return 'reset';
  // The fetcher's backstop: got (ours) gave no answer at all, not even its own timeout.
  if (code === 'CITEWATCH_TIMEOUT') return 'citewatch-timeout';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /TimeoutError|timed out|timeout/i.test(text)) return 'timeout';
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code) || /\b(TLS|SSL|certificate)\b/i.test(text))
    return 'tls';
  if (/socket hang up|ECONNRESET|premature close/i.test(text)) return 'reset';
  if (/ECONNREFUSED/.test(text)) return 'refused';
  return 'other';
}
