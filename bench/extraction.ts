import { extractInPool } from '../src/archive/extractPool.js';

/** Zeroes the extraction pool's counts before a pass. */
export function resetExtractionStats(): void {
  Object.assign(extractInPool.stats, { jobs: 0, busyMs: 0, queuedPeak: 0 });
}

/** How busy the extraction pool's workers were over a pass of `wallMs`, and how far behind its queue fell. */
export function describeExtraction(wallMs: number): string {
  const { jobs, busyMs, queuedPeak } = extractInPool.stats;
  return `${jobs} pages in ${(busyMs / 1000).toFixed(1)} s of worker time (${(busyMs / Math.max(1, jobs)).toFixed(1)} ms each), workers busy ${((100 * busyMs) / wallMs).toFixed(0)} % of the pass; up to ${queuedPeak} pages waiting`;
}
