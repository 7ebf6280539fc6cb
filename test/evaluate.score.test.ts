import { describe, expect, it } from 'vitest';
import { detection, missedGoals, scoreOutcomes, type CaseOutcome } from '../src/evaluate/score.js';

const outcome = (
  label: string,
  expected: CaseOutcome['expected'],
  state: string,
  reason: string | null = null,
  flagged = false,
): CaseOutcome => ({
  label,
  url: `http://127.1.0.1:8080/${label}`,
  expected,
  got: { state, reason },
  flagged,
});

const changed = (reason: string) => ({ state: 'changed', reason });
const vanished = (reason: string) => ({ state: 'vanished', reason });
const ok = { state: 'ok' };

describe('detection of one state', () => {
  const cases: { name: string; outcomes: CaseOutcome[]; want: ReturnType<typeof detection> }[] = [
    {
      name: 'all right',
      outcomes: [outcome('edit-number', changed('number'), 'changed', 'number'), outcome('unchanged', ok, 'ok')],
      want: { truePositives: 1, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1 },
    },
    {
      name: 'a quiet page taken for changed lowers precision only',
      outcomes: [outcome('edit-number', changed('number'), 'changed', 'number'), outcome('redesign', ok, 'changed', 'text')],
      want: { truePositives: 1, falsePositives: 1, falseNegatives: 0, precision: 0.5, recall: 1 },
    },
    {
      name: 'a change missed lowers recall only',
      outcomes: [outcome('edit-name', changed('name'), 'ok'), outcome('edit-number', changed('number'), 'changed', 'number')],
      want: { truePositives: 1, falsePositives: 0, falseNegatives: 1, precision: 1, recall: 0.5 },
    },
    {
      name: 'a vanished page concluded changed is a false positive for changed',
      outcomes: [outcome('gone-404', vanished('http-404'), 'changed', 'text')],
      want: { truePositives: 0, falsePositives: 1, falseNegatives: 0, precision: 0, recall: null },
    },
    {
      name: 'nothing concluded, nothing labelled',
      outcomes: [outcome('unchanged', ok, 'ok')],
      want: { truePositives: 0, falsePositives: 0, falseNegatives: 0, precision: null, recall: null },
    },
  ];
  it.each(cases)('$name', ({ outcomes, want }) => {
    expect(detection(outcomes, 'changed')).toEqual(want);
  });
});

describe('scoreOutcomes', () => {
  it('counts states per label, reasons among right states, and the wrong cases', () => {
    const outcomes = [
      outcome('gone-404', vanished('http-404'), 'vanished', 'http-404', true),
      outcome('gone-404', vanished('http-404'), 'vanished', 'soft-404', true),
      outcome('gone-404', vanished('http-404'), 'unreachable', 'http-5xx'),
      outcome('unchanged', ok, 'ok'),
    ];
    const score = scoreOutcomes(outcomes);
    expect(score.byLabel['gone-404']).toEqual({
      cases: 3,
      expected: 'vanished',
      got: { vanished: 2, unreachable: 1 },
      correct: 1,
      flagged: 2,
    });
    expect(score.byLabel.unchanged).toEqual({ cases: 1, expected: 'ok', got: { ok: 1 }, correct: 1, flagged: 0 });
    expect(score.reasons).toEqual({ checked: 2, correct: 1, accuracy: 0.5 });
    expect(score.misses).toEqual([outcomes[1], outcomes[2]]);
    expect(score.vanished).toMatchObject({ truePositives: 2, falseNegatives: 1, precision: 1 });
  });

  const alarms: { name: string; o: CaseOutcome; transient: number; quiet: number; dead: number }[] = [
    { name: 'a transient failure that recovered', o: outcome('transient-503', ok, 'ok'), transient: 0, quiet: 0, dead: 0 },
    {
      name: 'a transient failure still unreachable is no alarm',
      o: outcome('transient-hang', ok, 'unreachable', 'timeout'),
      transient: 0,
      quiet: 0,
      dead: 0,
    },
    {
      name: 'a transient failure taken for vanished',
      o: outcome('transient-reset', ok, 'vanished', 'unreachable-reset'),
      transient: 1,
      quiet: 0,
      dead: 1,
    },
    { name: 'a transient failure taken for changed', o: outcome('transient-429', ok, 'changed', 'text'), transient: 1, quiet: 0, dead: 0 },
    {
      name: 'a transient failure that raised a flag, whatever its state now',
      o: outcome('transient-503', ok, 'ok', null, true),
      transient: 1,
      quiet: 0,
      dead: 0,
    },
    { name: 'a flag on a redesigned page', o: outcome('redesign', ok, 'ok', null, true), transient: 0, quiet: 1, dead: 0 },
    { name: 'a flag on an unchanged page', o: outcome('unchanged', ok, 'changed', 'text', true), transient: 0, quiet: 1, dead: 0 },
    {
      name: 'a flag on a changed page is wanted',
      o: outcome('edit-number', changed('number'), 'changed', 'number', true),
      transient: 0,
      quiet: 0,
      dead: 0,
    },
    {
      name: 'an unchanged page taken for a soft 404',
      o: outcome('unchanged', ok, 'vanished', 'soft-404', true),
      transient: 0,
      quiet: 1,
      dead: 1,
    },
    {
      name: 'a page whose render failed taken for blocked',
      o: outcome('render-fails', ok, 'blocked', 'not-rendered'),
      transient: 0,
      quiet: 0,
      dead: 1,
    },
    {
      name: 'a blocked page is wanted blocked',
      o: outcome('blocked-403', { state: 'blocked', reason: 'http-403' }, 'blocked', 'http-403'),
      transient: 0,
      quiet: 0,
      dead: 0,
    },
  ];
  it.each(alarms)('$name', ({ o, transient, quiet, dead }) => {
    const score = scoreOutcomes([o]);
    expect(score.transientFalseAlarms).toHaveLength(transient);
    expect(score.quietPageFlags).toHaveLength(quiet);
    expect(score.livingCalledDead).toHaveLength(dead);
  });
});

describe('missedGoals', () => {
  const good = [
    outcome('edit-number', changed('number'), 'changed', 'number', true),
    outcome('gone-410', vanished('http-410'), 'vanished', 'http-410', true),
  ];
  it('is empty when every goal is met', () => {
    expect(missedGoals(scoreOutcomes(good))).toEqual([]);
  });
  it('names each goal missed', () => {
    const bad = [
      ...good,
      outcome('gone-410', vanished('http-410'), 'ok'),
      outcome('transient-503', ok, 'vanished', 'x', true),
      outcome('redesign', ok, 'ok', null, true),
    ];
    expect(missedGoals(scoreOutcomes(bad))).toEqual([
      'vanished precision 0.500 < 0.98',
      'vanished recall 0.500 < 0.98',
      '1 false alarms on transient failures',
      '1 flags on unchanged or redesign-only pages',
      '1 living pages vanished or blocked',
    ]);
  });
  it('counts a state never labelled as a missed recall', () => {
    expect(missedGoals(scoreOutcomes([good[0]]))).toEqual(['vanished recall n/a < 0.98']);
  });
});
