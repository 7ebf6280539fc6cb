import type { Config } from '../config/loadConfig.js';
import type { ChangeClassification, SourceState } from '../db/schema/domain.js';
import { observeCapture, type CaptureFacts, type Observation } from './observeCapture.js';

export type { SourceState };

export type StateVerdict = {
  state: SourceState;
  reason: string | null;
  /** The capture the state holds since: the first of a confirming streak. Identifies the episode. */
  sinceCaptureId: number | null;
  /** The change behind a changed state. */
  changeId: number | null;
};

export type ChangeFacts = { id: number; classification: ChangeClassification; kinds: string[] };

export type StateConfig = Pick<Config, 'vanishedAfterChecks' | 'unreachableAfterChecks' | 'unreachableAfterMs'>;

export type ClassifyInput = {
  /** The source's URL as requested (normalized). */
  url: string;
  /** Recent captures, oldest first, newest last. */
  captures: CaptureFacts[];
  /** The newest capture's change against the last verified content, when the content differs. */
  change?: ChangeFacts | null;
  /** The state before the newest capture. */
  previous?: StateVerdict | null;
  /** The last content state (ok, or changed with its change): what unchanged content returns to. */
  lastContent?: StateVerdict | null;
  config: StateConfig;
};

export const PENDING: StateVerdict = { state: 'pending', reason: null, sinceCaptureId: null, changeId: null };

const UNCONFIRMED = '; unconfirmed ';

/**
 * Derives a source's state from its recent captures, never from one failed fetch: vanishing needs
 * consecutive confirming checks, network failures turn into vanishing only when they persist over checks
 * and time (InternetArchiveBot's rule), and failures never produce a change. A failure of citewatch's
 * own (a render or an extraction that did not finish) is no fact about the source: the state stays as
 * it was, and the capture neither breaks nor extends a streak.
 */
export function classifySource(input: ClassifyInput): StateVerdict {
  const { config } = input;
  const previous = input.previous ?? PENDING;
  if (input.captures.length === 0) return previous;
  const observed = observeAll(input.url, input.captures);
  if (observed[observed.length - 1].observation.kind === 'inconclusive') return previous;
  const counted = observed.filter((x) => x.observation.kind !== 'inconclusive');
  const captures = counted.map((x) => x.capture);
  const observations = counted.map((x) => x.observation);
  const newest = captures[captures.length - 1];
  const seen = observations[observations.length - 1];
  const keepSince = (state: SourceState, fallback: number) => (previous.state === state ? previous.sinceCaptureId : fallback);

  switch (seen.kind) {
    case 'content':
      return contentState(input, newest.id, previous);
    case 'inconclusive': // handled above; stated for the compiler
      return previous;
    case 'blocked':
      return { state: 'blocked', reason: seen.reason, sinceCaptureId: keepSince('blocked', newest.id), changeId: null };
    case 'vanish': {
      const start = streakStart(observations, (o) => o.kind === 'vanish');
      const streak = captures.length - start;
      if (streak >= config.vanishedAfterChecks || previous.state === 'vanished') {
        return { state: 'vanished', reason: seen.reason, sinceCaptureId: keepSince('vanished', captures[start].id), changeId: null };
      }
      return unconfirmed(previous, `${seen.reason} (${streak}/${config.vanishedAfterChecks})`);
    }
    case 'unreachable': {
      // A page confirmed gone does not come back through a failure to reach it.
      if (previous.state === 'vanished') return previous;
      const start = streakStart(observations, (o) => o.kind === 'unreachable');
      if (seen.countsTowardVanish) {
        const dead = streakStart(observations, (o) => o.kind === 'unreachable' && o.countsTowardVanish);
        const checks = captures.length - dead;
        const spanMs = newest.at.getTime() - captures[dead].at.getTime();
        if (checks >= config.unreachableAfterChecks && spanMs >= config.unreachableAfterMs) {
          return { state: 'vanished', reason: `unreachable-${seen.reason}`, sinceCaptureId: captures[dead].id, changeId: null };
        }
      }
      return { state: 'unreachable', reason: seen.reason, sinceCaptureId: keepSince('unreachable', captures[start].id), changeId: null };
    }
  }
}

/**
 * Each capture's observation, corrected by what was read before: a capture showing bytes (a 304 stands
 * for the bytes it validated) or text already read as content is that content again, whatever the
 * probe or the shape of a redirect says now. An unchanged page never vanishes.
 */
function observeAll(url: string, captures: CaptureFacts[]): { capture: CaptureFacts; observation: Observation }[] {
  const readSnapshots = new Set<number>();
  const readTexts = new Set<string>();
  // Only captures with their signals at hand were judged; an empty text says nothing about sameness.
  const text = (c: CaptureFacts) => (c.textHash && c.signals && c.signals.wordCount > 0 ? c.textHash : null);
  return captures.map((capture) => {
    const observation = observeCapture(url, capture);
    const snapshot = capture.snapshotId ?? null;
    const words = text(capture);
    if (observation.kind === 'content' && capture.signals) {
      if (snapshot !== null) readSnapshots.add(snapshot);
      if (words !== null) readTexts.add(words);
    }
    const seenBefore = (snapshot !== null && readSnapshots.has(snapshot)) || (words !== null && readTexts.has(words));
    return { capture, observation: observation.kind === 'vanish' && seenBefore ? { kind: 'content' } : observation };
  });
}

function contentState(input: ClassifyInput, captureId: number, previous: StateVerdict): StateVerdict {
  const { change, lastContent } = input;
  if (change && change.classification === 'material') {
    if (previous.state === 'changed' && previous.changeId === change.id) return { ...previous, reason: baseReason(previous.reason) };
    return { state: 'changed', reason: changeReason(change.kinds), sinceCaptureId: captureId, changeId: change.id };
  }
  // Unchanged content returns to what the content was last known to be: a change stays until a new one.
  if (lastContent?.state === 'changed') {
    const since = previous.state === 'changed' ? previous.sinceCaptureId : captureId;
    return { state: 'changed', reason: baseReason(lastContent.reason), sinceCaptureId: since, changeId: lastContent.changeId };
  }
  // Text read as a fallback (src/extract Extraction) is compared all the same; the reason says it is coarser.
  const extraction = input.captures[input.captures.length - 1].signals?.extraction;
  const reason = extraction ? `extraction-${extraction}` : null;
  return { state: 'ok', reason, sinceCaptureId: previous.state === 'ok' ? previous.sinceCaptureId : captureId, changeId: null };
}

/** A short what-changed: the change's weightiest kind (src/diff orders kinds by weight). */
export function changeReason(kinds: string[]): string {
  return kinds[0] ?? 'text';
}

/** The previous state, held while evidence awaits confirmation; the reason says what is pending. */
function unconfirmed(previous: StateVerdict, what: string): StateVerdict {
  const base = baseReason(previous.reason);
  return { ...previous, reason: `${base ?? ''}${UNCONFIRMED}${what}`.replace(/^; /, '') };
}

/** A reason without its "unconfirmed ..." note. */
export function baseReason(reason: string | null): string | null {
  if (reason === null) return null;
  if (reason.startsWith(UNCONFIRMED.slice(2))) return null;
  const at = reason.indexOf(UNCONFIRMED);
  return at < 0 ? reason : reason.slice(0, at);
}

/** Index of the first of the trailing observations that all satisfy the test. */
function streakStart(observations: Observation[], test: (o: Observation) => boolean): number {
  let i = observations.length;
  while (i > 0 && test(observations[i - 1])) i--;
  return i;
}
