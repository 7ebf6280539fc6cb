/** What the retention planner needs of one capture. */
export type RetainedCapture = {
  id: number;
  sourceId: number;
  startedAt: Date;
  /** It holds a body (snapshot): the newest such is the source's last good capture. */
  hasSnapshot: boolean;
  /** Something refers to it: a flag, a state row, a verified baseline, a review. */
  referenced: boolean;
};

export type RetentionPolicy = {
  /** Captures older than this may go; 0 keeps everything. */
  keepDays: number;
  /** The newest this many of each source stay whatever their age (at least 1). */
  keepPerSource: number;
};

const DAY_MS = 86_400_000;

/**
 * Which captures to delete. A capture stays if it is one of its source's newest `keepPerSource`,
 * younger than `keepDays`, its source's newest capture with a body (the last good one, which the
 * next change is compared with and alerts link to), or referenced. Hence never a source's last
 * capture, and nothing at all when keepDays is 0. Pure: ids out, in ascending order.
 */
export function planRetention(captures: RetainedCapture[], policy: RetentionPolicy, now: Date): number[] {
  if (policy.keepDays <= 0) return [];
  const cutoff = now.getTime() - policy.keepDays * DAY_MS;
  const keepNewest = Math.max(1, policy.keepPerSource);
  const bySource = new Map<number, RetainedCapture[]>();
  for (const c of captures) bySource.set(c.sourceId, [...(bySource.get(c.sourceId) ?? []), c]);
  const doomed: number[] = [];
  for (const list of bySource.values()) {
    list.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id - a.id);
    const lastGood = list.find((c) => c.hasSnapshot);
    list.forEach((c, rank) => {
      const keep = rank < keepNewest || c.startedAt.getTime() >= cutoff || c === lastGood || c.referenced;
      if (!keep) doomed.push(c.id);
    });
  }
  return doomed.sort((a, b) => a - b);
}
