/**
 * Per-request noise: the things that differ on every fetch of an unchanged page (clock, tokens,
 * ad slots, counters, a rotating "most read" list, cache-busting asset URLs). A naive byte or text
 * differ flags all of it; a good one must not.
 */
import { rngFor } from './prng.js';

export type Noise = {
  nowIso: string;
  nowMs: number;
  updatedMinutesAgo: number;
  csrfToken: string;
  nonce: string;
  requestId: string;
  adSlots: string[];
  views: number;
  mostRead: string[];
  cacheBust: string;
  buildId: string;
};

const MOST_READ_POOL = [
  'Storm knocks out power to thousands across the region',
  'Council approves budget after marathon late-night session',
  'What the new tax rules mean for your paycheck',
  'Inside the fight over the downtown stadium deal',
  'Five takeaways from last night’s debate',
  'Court weighs challenge to state election maps',
  'Why grocery prices are still climbing',
  'The quiet lobbying push behind a pipeline permit',
  'Opinion: The senate should not rush this nomination',
  'Schools brace for another round of cuts',
  'A former aide tells all in a new memoir',
  'Regulators open inquiry into airline refunds',
  'Mayor’s office faces questions over contracts',
  'How a shell company bought a harbour-front tower',
  'Recall: popular baby formula pulled from shelves',
  'Heat wave breaks records in three states',
  'Crypto exchange founder to plead guilty, lawyers say',
  'Hospital merger draws antitrust scrutiny',
  'Watchdog finds gaps in pandemic loan oversight',
  'Ex-official’s consulting firm landed millions in deals',
];

export function makeNoise(seed: number, requestKey: string, seq: number, nowMs: number): Noise {
  const rng = rngFor(seed, 'noise', requestKey, seq);
  return {
    nowIso: new Date(nowMs).toISOString(),
    nowMs,
    updatedMinutesAgo: rng.int(1, 59),
    csrfToken: rng.hex(32),
    nonce: rng.hex(16),
    requestId: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    adSlots: Array.from({ length: 4 }, () => `div-gpt-ad-${rng.int(1_000_000_000, 9_999_999_999)}-${rng.int(0, 9)}`),
    views: rng.int(1_000, 250_000),
    mostRead: rng.shuffle(MOST_READ_POOL).slice(0, 5),
    cacheBust: rng.hex(10),
    buildId: rng.hex(21),
  };
}
