/**
 * Where a pass's time goes, as process-wide counters the crawl's edges add to: the host gate (time
 * requests waited for their turn, time they held it) and the renderer (renders, their wall time, how
 * many ran at once, browser launches and why). Plain numbers, so counting costs nothing measurable;
 * the benchmarks read and reset them around a pass.
 */
export type PassTimings = {
  gateWaits: number;
  gateWaitMs: number;
  gateHoldMs: number;
  /** Wall time every one of the gate's `concurrency` slots was taken: ready hosts then waited for a slot, not for politeness. */
  gateFullMs: number;
  /** Time pages waited for their text (the extraction pool) and their captures for the archive (the batch's transaction): after the fetch, off the host's turn. */
  extractMs: number;
  storeMs: number;
  stores: number;
  renders: number;
  renderMs: number;
  rendersAtOncePeak: number;
  renderSlots: number;
  /** Contexts with their page opened for renders; the other renders reused a kept one (browserLane.ts). */
  lanesOpened: number;
  /** Every browser start after the first in a renderer's life, with its reason. */
  launches: { at: number; reason: string }[];
};

export const passTimings: PassTimings = fresh();

function fresh(): PassTimings {
  return {
    gateWaits: 0,
    gateWaitMs: 0,
    gateHoldMs: 0,
    gateFullMs: 0,
    extractMs: 0,
    storeMs: 0,
    stores: 0,
    renders: 0,
    renderMs: 0,
    rendersAtOncePeak: 0,
    renderSlots: 0,
    lanesOpened: 0,
    launches: [],
  };
}

export function resetPassTimings(): void {
  Object.assign(passTimings, fresh());
}
