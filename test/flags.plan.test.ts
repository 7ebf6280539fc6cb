import { describe, expect, it } from 'vitest';
import type { SourceState } from '../src/db/schema/domain.js';
import { planFlags, type FlagEntry, type SourceStateFacts } from '../src/flags/planFlags.js';

const s = (sourceId: number, state: SourceState, changeId: number | null = null, sinceCaptureId: number | null = 10): SourceStateFacts => ({
  sourceId,
  state,
  reason: state === 'changed' ? 'number' : state === 'vanished' ? 'http-404' : null,
  changeId,
  sinceCaptureId,
});
const e = (sourceId: number, state: SourceState, changeId: number | null = null, sinceCaptureId: number | null = 10): FlagEntry => ({
  sourceId,
  state,
  changeId,
  sinceCaptureId,
});

describe('planFlags', () => {
  const cases: [string, Parameters<typeof planFlags>[0], ReturnType<typeof planFlags>][] = [
    [
      'nothing flag-worthy',
      { sources: [s(1, 'ok'), s(2, 'unreachable'), s(3, 'blocked'), s(4, 'pending')], openFlag: null, closedEntries: [] },
      { action: 'none' },
    ],
    [
      'a change opens a flag',
      { sources: [s(1, 'changed', 7)], openFlag: null, closedEntries: [] },
      { action: 'open', entries: [s(1, 'changed', 7)] },
    ],
    [
      'a vanish opens a flag',
      { sources: [s(1, 'vanished')], openFlag: null, closedEntries: [] },
      { action: 'open', entries: [s(1, 'vanished')] },
    ],
    [
      'both sources on one flag',
      { sources: [s(1, 'vanished'), s(2, 'changed', 8)], openFlag: null, closedEntries: [] },
      { action: 'open', entries: [s(1, 'vanished'), s(2, 'changed', 8)] },
    ],
    [
      "re-check of an open flag's change",
      { sources: [s(1, 'changed', 7)], openFlag: { id: 5, entries: [e(1, 'changed', 7)] }, closedEntries: [] },
      { action: 'none' },
    ],
    [
      "re-check of an open flag's vanish, reason moved",
      { sources: [{ ...s(1, 'vanished'), reason: 'http-410' }], openFlag: { id: 5, entries: [e(1, 'vanished')] }, closedEntries: [] },
      { action: 'none' },
    ],
    [
      'another source joins the open flag',
      { sources: [s(1, 'changed', 7), s(2, 'vanished')], openFlag: { id: 5, entries: [e(1, 'changed', 7)] }, closedEntries: [] },
      { action: 'add', flagId: 5, entries: [s(2, 'vanished')] },
    ],
    [
      'a newer change joins the open flag',
      { sources: [s(1, 'changed', 9)], openFlag: { id: 5, entries: [e(1, 'changed', 7)] }, closedEntries: [] },
      { action: 'add', flagId: 5, entries: [s(1, 'changed', 9)] },
    ],
    [
      'a resolved change does not come back',
      { sources: [s(1, 'changed', 7)], openFlag: null, closedEntries: [e(1, 'changed', 7)] },
      { action: 'none' },
    ],
    [
      'a dismissed vanish does not come back',
      { sources: [s(1, 'vanished', null, 10)], openFlag: null, closedEntries: [e(1, 'vanished', null, 10)] },
      { action: 'none' },
    ],
    [
      'a new change re-opens',
      { sources: [s(1, 'changed', 8)], openFlag: null, closedEntries: [e(1, 'changed', 7)] },
      { action: 'open', entries: [s(1, 'changed', 8)] },
    ],
    [
      'a new vanish episode re-opens',
      { sources: [s(1, 'vanished', null, 30)], openFlag: null, closedEntries: [e(1, 'vanished', null, 10)] },
      { action: 'open', entries: [s(1, 'vanished', null, 30)] },
    ],
    [
      'a vanish after a resolved change re-opens',
      { sources: [s(1, 'vanished', null, 30)], openFlag: null, closedEntries: [e(1, 'changed', 7)] },
      { action: 'open', entries: [s(1, 'vanished', null, 30)] },
    ],
    [
      'the same source listed twice counts once',
      { sources: [s(1, 'changed', 7), s(1, 'changed', 7)], openFlag: null, closedEntries: [] },
      { action: 'open', entries: [s(1, 'changed', 7)] },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(planFlags(input)).toEqual(expected);
  });
});
