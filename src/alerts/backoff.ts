/**
 * When a failed delivery is tried again. Pure: the notify job hands in the attempt number, the
 * channel's pace and a random number, and stores the answer as the alert's next attempt. Nothing
 * here ever gives up: an alert waits, at worst at the cap, until its receiver takes it.
 */

export type BackoffPolicy = {
  baseMs: number;
  factor: number;
  capMs: number;
  /** Fraction (0..1) taken off at random, so a channel's waiting alerts do not all retry at once. */
  jitter: number;
};

export const BACKOFF_FACTOR = 2;
export const BACKOFF_JITTER = 0.2;

/** How a failed attempt failed: transient (network, timeout, 5xx, 408, 429) or a refusal (other 4xx, SMTP 5xx). */
export type FailureKind = 'transient' | 'refused';

/**
 * Wait after the `attempt`-th failure (1 for the first): base × factor^(attempt−1), at most the cap;
 * a refusal waits the cap at once (a fix on the receiver's side takes a person, not seconds).
 */
export function retryDelayMs(attempt: number, kind: FailureKind, policy: BackoffPolicy, random: number): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = kind === 'refused' ? policy.capMs : policy.baseMs * policy.factor ** exponent;
  const capped = Math.min(policy.capMs, raw);
  return Math.max(1, Math.round(capped * (1 - policy.jitter * random)));
}

/** A webhook answer's kind: 2xx is delivered; 408 and 429 are "later", other 4xx a refusal; 5xx transient. */
export function httpFailureKind(status: number): FailureKind {
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'refused' : 'transient';
}

/** An SMTP reply's kind: 5xx is a permanent refusal of this message, 4xx a temporary one. */
export function smtpFailureKind(code: number | null): FailureKind {
  return code !== null && code >= 500 ? 'refused' : 'transient';
}
