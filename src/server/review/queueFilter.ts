/**
 * The review queue's filters, read from a query string. Pure: anything unrecognised is dropped, so a
 * hand-edited URL narrows nothing by surprise and never reaches SQL as text of its own.
 */
export type QueueFilter = {
  state?: 'changed' | 'vanished';
  reason?: string;
  /** yes: at least one change touches the claim; no: none does. */
  claim?: 'yes' | 'no';
  tag?: string;
  minImportance?: number;
  /** Event dates, YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  page: number;
};

export const PAGE_SIZE = 50;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown, max = 200): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;
}

export function parseQueueFilter(query: Record<string, unknown>): QueueFilter {
  const state = text(query.state);
  const claim = text(query.claim);
  const importance = Number(text(query.importance));
  const page = Number(text(query.page));
  const from = text(query.from);
  const to = text(query.to);
  return {
    state: state === 'changed' || state === 'vanished' ? state : undefined,
    reason: text(query.reason),
    claim: claim === 'yes' || claim === 'no' ? claim : undefined,
    tag: text(query.tag),
    minImportance: Number.isInteger(importance) && importance >= 0 && importance <= 10 ? importance : undefined,
    from: from && DAY.test(from) ? from : undefined,
    to: to && DAY.test(to) ? to : undefined,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The query string of a filter (page included when past the first), for links that keep it. */
export function queueQuery(filter: QueueFilter, overrides: Partial<QueueFilter> = {}): string {
  const merged = { ...filter, ...overrides };
  const params = new URLSearchParams();
  for (const key of ['state', 'reason', 'claim', 'tag', 'minImportance', 'from', 'to'] as const) {
    const value = merged[key];
    if (value !== undefined) params.set(key === 'minImportance' ? 'importance' : key, String(value));
  }
  if (merged.page > 1) params.set('page', String(merged.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}
