/**
 * Times as archivists write them: ISO 8601 (`2025-03-01`, `2025-03-01T12:00Z`) or a 14-digit
 * Memento/Wayback timestamp (`20250301120000`, UTC; shorter prefixes such as `2025` or `202503` mean
 * the start of that period). Pure.
 */
export function parseArchiveTime(text: string): Date | null {
  const t = text.trim();
  const digits = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?$/.exec(t);
  if (digits) {
    const [y, mo = '01', d = '01', h = '00', mi = '00', s = '00'] = digits.slice(1);
    const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}` ? null : date;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return null;
  const date = new Date(/[T ]/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t}Z` : t);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The 14-digit form of a time (UTC), as Memento URLs use it. */
export function archiveTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The capture closest to a time, among captures sorted newest first. A tie goes to the earlier
 * capture: what the source said at the time, rather than what it came to say after.
 */
export function closestCapture<T extends { at: Date }>(captures: T[], at: Date): T | null {
  let best: T | null = null;
  for (const c of captures) {
    const gap = Math.abs(c.at.getTime() - at.getTime());
    const bestGap = best ? Math.abs(best.at.getTime() - at.getTime()) : Infinity;
    if (gap < bestGap || (gap === bestGap && best !== null && c.at < best.at)) best = c;
  }
  return best;
}
