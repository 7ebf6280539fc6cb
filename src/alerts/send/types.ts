import type { FailureKind } from '../backoff.js';
import type { AlertPayload } from '../payload.js';

/** An outbox row as a sender sees it. */
export type OutgoingAlert = {
  id: number;
  channel: string;
  kind: string;
  idempotencyKey: string;
  payload: AlertPayload;
  createdAt: Date;
};

/** What one attempt came to: status is the HTTP status or SMTP reply code when there was one. */
export type SendResult = { ok: true; status: number | null } | { ok: false; status: number | null; error: string; failure: FailureKind };

/** The underlying cause says more than fetch's "fetch failed": "connect ECONNREFUSED 127.0.0.1:9", "UND_ERR_SOCKET other side closed". */
export function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  const inner = e?.cause?.message ? e.cause : e;
  const message = inner?.message ?? String(err);
  const code = inner?.code && !message.includes(inner.code) ? `${inner.code} ` : '';
  return `${code}${message}`.slice(0, 500);
}
