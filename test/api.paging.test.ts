import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, MAX_LIMIT, pageLimit, toPage } from '../src/server/api/paging.js';

describe('cursor paging (pure)', () => {
  it('caps the page size and defaults it', () => {
    expect([undefined, 1, 50, 200, 201, 100000].map(pageLimit)).toEqual([50, 1, 50, 200, MAX_LIMIT, MAX_LIMIT]);
  });

  it('round-trips a cursor and refuses one of another shape or none at all', () => {
    expect(decodeCursor(encodeCursor(['2025-01-01', 7]), ['s', 'n'])).toEqual(['2025-01-01', 7]);
    expect(decodeCursor(undefined, ['n'])).toBeNull();
    for (const bad of ['x', encodeCursor(['7']), encodeCursor([7, 8]), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => decodeCursor(bad, ['n'])).toThrow(/is not one this list gave out/);
    }
  });

  it('cuts one row more than the limit into a page with a next link keeping the query', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const page = toPage(rows, 2, (r) => [r.id], '/api/things', { state: 'ok', host: undefined });
    expect(page.items).toEqual([{ id: 1 }, { id: 2 }]);
    expect(page.next).toBe(`/api/things?state=ok&limit=2&cursor=${encodeCursor([2])}`);
    expect(toPage(rows.slice(0, 2), 2, (r) => [r.id], '/api/things', {}).next).toBeNull();
    expect(toPage([], 2, (r: { id: number }) => [r.id], '/api/things', {})).toEqual({ items: [], next: null });
  });
});
