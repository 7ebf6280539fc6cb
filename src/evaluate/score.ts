/**
 * Scores what the pipeline concluded about labelled sources against what each label says it should
 * conclude. Pure: plain outcomes in, counts and rates out.
 */

/** One labelled source after the evaluation's crawls. */
export type CaseOutcome = {
  label: string;
  url: string;
  expected: { state: string; reason?: string };
  got: { state: string; reason: string | null };
  /** Whether the event citing the source has an open flag. */
  flagged: boolean;
};

export type Detection = {
  /** Labelled with the state and concluded it. */
  truePositives: number;
  /** Concluded the state although the label says otherwise. */
  falsePositives: number;
  /** Labelled with the state, concluded something else. */
  falseNegatives: number;
  /** null when nothing was concluded (precision) or nothing was labelled (recall) with the state. */
  precision: number | null;
  recall: number | null;
};

export type LabelScore = {
  cases: number;
  expected: string;
  /** Got state → how many cases of this label ended in it. */
  got: Record<string, number>;
  /** Cases whose state and (where the label names one) reason are both right. */
  correct: number;
  flagged: number;
};

export type Score = {
  cases: number;
  byLabel: Record<string, LabelScore>;
  changed: Detection;
  vanished: Detection;
  /** Among cases that reached their expected state and whose label names a reason: the reason is right. */
  reasons: { checked: number; correct: number; accuracy: number | null };
  /** transient-* cases that ended changed or vanished, or got a flag: an outage mistaken for a loss. */
  transientFalseAlarms: CaseOutcome[];
  /** Flags on pages whose words did not change at all (unchanged, redesign-only). */
  quietPageFlags: CaseOutcome[];
  /** Living pages (see isLiving) concluded vanished or blocked: a living page called dead or unreadable. */
  livingCalledDead: CaseOutcome[];
  /** Every case whose state or reason is wrong, for the report. */
  misses: CaseOutcome[];
};

/** Labels whose pages keep their words: any flag on them is noise an editor would have to dismiss. */
export const QUIET_LABELS = ['unchanged', 'redesign'];

export function isTransient(label: string): boolean {
  return label.startsWith('transient-');
}

/** Pages still there, with their words, after round 0: quiet ones, recovered transient failures, failed renders. */
export function isLiving(label: string): boolean {
  return QUIET_LABELS.includes(label) || isTransient(label) || label === 'render-fails';
}

export function reasonRight(o: CaseOutcome): boolean {
  return o.expected.reason === undefined || o.got.reason === o.expected.reason;
}

export function scoreOutcomes(outcomes: CaseOutcome[]): Score {
  const byLabel: Record<string, LabelScore> = {};
  for (const o of outcomes) {
    const s = (byLabel[o.label] ??= { cases: 0, expected: o.expected.state, got: {}, correct: 0, flagged: 0 });
    s.cases++;
    s.got[o.got.state] = (s.got[o.got.state] ?? 0) + 1;
    if (o.got.state === o.expected.state && reasonRight(o)) s.correct++;
    if (o.flagged) s.flagged++;
  }
  const reasoned = outcomes.filter((o) => o.expected.reason !== undefined && o.got.state === o.expected.state);
  const reasonsCorrect = reasoned.filter(reasonRight).length;
  return {
    cases: outcomes.length,
    byLabel,
    changed: detection(outcomes, 'changed'),
    vanished: detection(outcomes, 'vanished'),
    reasons: { checked: reasoned.length, correct: reasonsCorrect, accuracy: ratio(reasonsCorrect, reasoned.length) },
    transientFalseAlarms: outcomes.filter(
      (o) => isTransient(o.label) && (o.flagged || o.got.state === 'changed' || o.got.state === 'vanished'),
    ),
    quietPageFlags: outcomes.filter((o) => QUIET_LABELS.includes(o.label) && o.flagged),
    livingCalledDead: outcomes.filter((o) => isLiving(o.label) && (o.got.state === 'vanished' || o.got.state === 'blocked')),
    misses: outcomes.filter((o) => o.got.state !== o.expected.state || !reasonRight(o)),
  };
}

/** Detection of one state, that state being the positive class. */
export function detection(outcomes: CaseOutcome[], state: string): Detection {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  for (const o of outcomes) {
    const labelled = o.expected.state === state;
    const concluded = o.got.state === state;
    if (labelled && concluded) truePositives++;
    else if (concluded) falsePositives++;
    else if (labelled) falseNegatives++;
  }
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    precision: ratio(truePositives, truePositives + falsePositives),
    recall: ratio(truePositives, truePositives + falseNegatives),
  };
}

function ratio(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/**
 * The detection goals: precision and recall ≥ 0.98 for changed and vanished, no false alarm, no quiet
 * flag, no living page vanished or blocked.
 */
export const GOALS = { precision: 0.98, recall: 0.98 } as const;

/** Each goal the score misses, in words; empty when all are met. */
export function missedGoals(score: Score): string[] {
  const missed: string[] = [];
  for (const state of ['changed', 'vanished'] as const) {
    const d = score[state];
    if (d.precision !== null && d.precision < GOALS.precision)
      missed.push(`${state} precision ${d.precision.toFixed(3)} < ${GOALS.precision}`);
    if (d.recall === null || d.recall < GOALS.recall)
      missed.push(`${state} recall ${d.recall === null ? 'n/a' : d.recall.toFixed(3)} < ${GOALS.recall}`);
  }
  if (score.transientFalseAlarms.length > 0) missed.push(`${score.transientFalseAlarms.length} false alarms on transient failures`);
  if (score.quietPageFlags.length > 0) missed.push(`${score.quietPageFlags.length} flags on unchanged or redesign-only pages`);
  if (score.livingCalledDead.length > 0) missed.push(`${score.livingCalledDead.length} living pages vanished or blocked`);
  return missed;
}
