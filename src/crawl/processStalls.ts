/**
 * When citewatch's own process stands still (a busy event loop: a long synchronous step, a starved
 * core), the timers guarding a request (got's, crawlee's) measure wall time all the same and count
 * the time the process could not work as the source's silence: a page that answered at once is
 * recorded as hanging. A timeout during which the process itself stalled for a good part of the
 * wait is citewatch's, not a fact about the source. A heartbeat measures how late the process runs;
 * the decisions are pure functions of what it saw.
 */

/** A stretch the process stood still, ending at `endAt` (performance.now() milliseconds). */
export type Stall = { endAt: number; ms: number };

const HEARTBEAT_MS = 100;
/** Lateness below this is ordinary scheduling jitter. */
const LAG_MS = 50;
/** Stalls older than this are forgotten: no request waits that long. */
const KEEP_MS = 10 * 60_000;
/** A timeout is citewatch's when the process stood still this long in its window... */
const STALLED_MIN_MS = 500;
/** ...and for at least this share of it. */
const STALLED_SHARE = 0.1;

/** How many milliseconds of `stalls` fall inside [from, to]. Pure. */
export function stalledWithin(stalls: readonly Stall[], from: number, to: number): number {
  let total = 0;
  for (const s of stalls) total += Math.max(0, Math.min(s.endAt, to) - Math.max(s.endAt - s.ms, from));
  return total;
}

/** Whether a wait of `windowMs` that timed out was spoilt by the process standing still `stalledMs` of it. Pure. */
export function stalledTimeout(stalledMs: number, windowMs: number): boolean {
  return stalledMs >= STALLED_MIN_MS && stalledMs >= STALLED_SHARE * windowMs;
}

const stalls: Stall[] = [];
let beat: NodeJS.Timeout | undefined;
let lastBeat = 0;

/** Starts the heartbeat (once per process; it never keeps the process alive). */
export function watchStalls(): void {
  if (beat) return;
  lastBeat = performance.now();
  beat = setInterval(() => {
    const now = performance.now();
    const lag = now - lastBeat - HEARTBEAT_MS;
    lastBeat = now;
    if (lag >= LAG_MS) stalls.push({ endAt: now, ms: lag });
    while (stalls.length > 0 && stalls[0].endAt < now - KEEP_MS) stalls.shift();
  }, HEARTBEAT_MS).unref();
}

/**
 * Whether a request that timed out between `from` and now did so while the process stood still.
 * The stall still under way counts too: the timer that fired may run before the heartbeat does.
 */
export function timedOutInStall(from: number): boolean {
  const now = performance.now();
  const current = now - lastBeat - HEARTBEAT_MS;
  const seen = beat && current >= LAG_MS ? [...stalls, { endAt: now, ms: current }] : stalls;
  return stalledTimeout(stalledWithin(seen, from, now), now - from);
}

/** A network failure's kind, with a timeout that came while the process stood still named as citewatch's own. */
export function attributeTimeout<K extends string>(kind: K, askedAt: number): K | 'citewatch-timeout' {
  return kind === 'timeout' && timedOutInStall(askedAt) ? 'citewatch-timeout' : kind;
}
