import { describe, expect, it } from 'vitest';
import { archiveTimestamp, closestCapture, parseArchiveTime } from '../src/archive/captureTimes.js';

describe('parseArchiveTime: the times archivists write', () => {
  it.each([
    ['2025-03-01', '2025-03-01T00:00:00.000Z'],
    ['2025-03-01T12:30Z', '2025-03-01T12:30:00.000Z'],
    ['2025-03-01T12:30', '2025-03-01T12:30:00.000Z'],
    ['2025-03-01T12:30:00+02:00', '2025-03-01T10:30:00.000Z'],
    ['20250301123045', '2025-03-01T12:30:45.000Z'],
    ['202503', '2025-03-01T00:00:00.000Z'],
    ['2025', '2025-01-01T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseArchiveTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2025-13-01', '20251301', '2025-02-30x', '123', ''])('refuses %j', (text) => {
    expect(parseArchiveTime(text)).toBeNull();
  });

  it('writes the 14-digit form back', () => {
    expect(archiveTimestamp(new Date('2025-03-01T12:30:45.678Z'))).toBe('20250301123045');
  });
});

describe('closestCapture', () => {
  const c = (id: number, iso: string) => ({ id, at: new Date(iso) });
  const newestFirst = [c(3, '2025-03-03T00:00Z'), c(2, '2025-03-02T00:00Z'), c(1, '2025-03-01T00:00Z')];
  it.each([
    ['2025-03-02T01:00Z', 2],
    ['2030-01-01T00:00Z', 3],
    ['2000-01-01T00:00Z', 1],
    ['2025-03-02T12:00Z', 2], // a tie: the earlier capture, what the source said then
  ])('at %s picks capture %i', (at, id) => {
    expect(closestCapture(newestFirst, new Date(at))?.id).toBe(id);
  });
  it('has nothing to pick from no captures', () => expect(closestCapture([], new Date())).toBeNull());
});
