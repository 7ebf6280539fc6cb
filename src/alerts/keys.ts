/**
 * Idempotency keys. Each is a function of what the alert is about, never of when it was written, so
 * the same episode written twice (a re-run pass, a retried transaction) collides on the outbox's
 * unique (channel, key) index instead of becoming a second alert. Receivers get the key (webhook
 * header, Message-ID, Atom entry id) and can drop the rare repeat of a delivery cut between send
 * and mark.
 */

export type EpisodeRef = {
  flagId: number;
  sourceId: number;
  state: string;
  changeId: number | null;
  sinceCaptureId: number | null;
};

/** One flag episode: a source's change (by change id) or vanishing (by the capture it started at). */
export function flagAlertKey(e: EpisodeRef): string {
  const episode = e.changeId !== null ? `change-${e.changeId}` : `since-${e.sinceCaptureId ?? 'none'}`;
  return `flag-${e.flagId}-src-${e.sourceId}-${e.state}-${episode}`;
}

/** One digest of a channel: the period it covers starts where the previous one ended. */
export function digestAlertKey(periodStart: Date): string {
  return `digest-${periodStart.getTime()}`;
}

/** A test message is its own episode: each `citewatch alerts test` is a new one. */
export function testAlertKey(at: Date): string {
  return `test-${at.getTime()}`;
}

/** The e-mail Message-ID of an alert: the same key and channel always give the same id. */
export function messageIdFor(channel: string, key: string): string {
  return `<${key}.${channel}@citewatch.invalid>`;
}
