import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/loadConfig.js';
import { awaitsConfirmation, jitterFactor, nextRevisit, type RevisitConfig, type RevisitFacts } from '../src/crawl/revisitPolicy.js';

const H = 3_600_000;
const D = 24 * H;
const CONFIG: RevisitConfig = {
  revisitMinIntervalMs: D,
  revisitMaxIntervalMs: 7 * D,
  revisitBackoffRatio: 0.5,
  revisitConfirmMs: H,
  revisitJitterRatio: 0,
  revisitImportantFrom: 9,
};
const NOW = new Date('2026-03-01T00:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const base: RevisitFacts = {
  sourceId: 1,
  checkedAt: NOW,
  state: 'ok',
  reason: null,
  stateSince: ago(H),
  consecutiveFailures: 0,
  priority: 5,
  attempt: { backoff: false, soon: false },
};

describe('nextRevisit: when a source is checked again, and why', () => {
  it.each<[string, Partial<RevisitFacts>, number, string]>([
    ['a source never classified', { state: 'pending', stateSince: null }, D, 'new'],
    ['ok for an hour', {}, D, 'recent'],
    ['just changed', { state: 'changed', stateSince: ago(2 * H) }, D, 'just-changed'],
    ['ok for 4 days: half of it', { stateSince: ago(4 * D) }, 2 * D, 'backing-off'],
    ['ok for 10 days: half of it', { stateSince: ago(10 * D) }, 5 * D, 'backing-off'],
    ['ok for 60 days: the ceiling', { stateSince: ago(60 * D) }, 7 * D, 'ceiling'],
    ['changed a month ago and stable since', { state: 'changed', stateSince: ago(30 * D) }, 7 * D, 'ceiling'],
    ['confirmed vanished long ago', { state: 'vanished', stateSince: ago(30 * D) }, 7 * D, 'ceiling'],
    ['important and quiet for long', { stateSince: ago(60 * D), priority: 9 }, D, 'important'],
    ['a suspected 404 awaiting confirmation', { stateSince: ago(60 * D), reason: 'unconfirmed http-404 (1/2)' }, H, 'confirm'],
    [
      'a changed source whose page now 404s',
      { state: 'changed', reason: 'number; unconfirmed http-404 (1/2)', stateSince: ago(60 * D) },
      H,
      'confirm',
    ],
    ['a first transient failure', { state: 'unreachable', consecutiveFailures: 1, attempt: { backoff: true, soon: false } }, H, 'failing'],
    [
      'a third transient failure',
      { state: 'unreachable', consecutiveFailures: 3, attempt: { backoff: true, soon: false } },
      4 * H,
      'failing',
    ],
    [
      'failing for long: no longer than the regular wait',
      { consecutiveFailures: 12, attempt: { backoff: true, soon: false } },
      D,
      'failing',
    ],
    [
      'a vanished page still failing backs off like a quiet one',
      { state: 'vanished', stateSince: ago(30 * D), consecutiveFailures: 9, attempt: { backoff: true, soon: false } },
      7 * D,
      'ceiling',
    ],
    [
      'a blocked page (robots), unchanged for long',
      { state: 'blocked', stateSince: ago(30 * D), consecutiveFailures: 4 },
      7 * D,
      'ceiling',
    ],
    [
      'an attempt that settled nothing (our browser failed)',
      { stateSince: ago(60 * D), attempt: { backoff: false, soon: true } },
      H,
      'inconclusive',
    ],
  ])('%s', (_name, facts, waitMs, why) => {
    const revisit = nextRevisit({ ...base, ...facts }, CONFIG);
    expect({ waitMs: revisit.at.getTime() - NOW.getTime(), why: revisit.why }).toEqual({ waitMs, why });
  });

  it('never comes before a Retry-After', () => {
    const notBefore = new Date(NOW.getTime() + 6 * H);
    const facts = { ...base, state: 'unreachable' as const, consecutiveFailures: 1, attempt: { backoff: true, soon: false }, notBefore };
    expect(nextRevisit(facts, CONFIG)).toEqual({ at: notBefore, why: 'retry-after' });
    expect(nextRevisit({ ...facts, notBefore: new Date(NOW.getTime() + 1000) }, CONFIG).why).toBe('failing');
  });

  it('a confirming check never waits longer than the regular interval, whatever the settings', () => {
    const revisit = nextRevisit({ ...base, reason: 'unconfirmed soft-404 (1/2)' }, { ...CONFIG, revisitConfirmMs: 3 * D });
    expect(revisit.at.getTime() - NOW.getTime()).toBe(D);
  });

  it('the defaults are the documented ones: daily, weekly at most, within an hour to confirm', () => {
    const c = defaultConfig({});
    expect([c.revisitMinIntervalMs, c.revisitMaxIntervalMs, c.revisitConfirmMs]).toEqual([D, 7 * D, H]);
  });
});

describe('jitter: a fixed factor per source', () => {
  it('stays within the ratio, is the same for a source every time, and differs between sources', () => {
    const factors = Array.from({ length: 500 }, (_, i) => jitterFactor(i + 1, 0.1));
    expect(Math.min(...factors)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...factors)).toBeLessThanOrEqual(1.1);
    expect(jitterFactor(42, 0.1)).toBe(jitterFactor(42, 0.1));
    expect(jitterFactor(7, 0)).toBe(1);
  });

  it("spreads one host's sources, ingested together, over the window rather than one minute", () => {
    const jittered = { ...CONFIG, revisitJitterRatio: 0.1 };
    const due = Array.from({ length: 100 }, (_, i) => nextRevisit({ ...base, sourceId: 1000 + i }, jittered).at.getTime());
    const minutes = new Set(due.map((t) => Math.floor(t / 60_000)));
    expect(minutes.size).toBeGreaterThan(80);
    // Spread across most of ±2.4 h, not bunched at one end.
    expect(Math.max(...due) - Math.min(...due)).toBeGreaterThan(0.8 * 2 * 0.1 * D);
  });
});

describe('awaitsConfirmation reads the classifier’s note', () => {
  it.each([
    [null, false],
    ['http-404', false],
    ['extraction-fallback', false],
    ['unconfirmed http-404 (1/2)', true],
    ['number; unconfirmed soft-404 (1/2)', true],
  ])('%s → %s', (reason, expected) => {
    expect(awaitsConfirmation(reason)).toBe(expected);
  });
});
