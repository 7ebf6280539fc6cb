import { hammingDistance } from '../extract/fingerprint.js';

/**
 * Soft-404 detection after Bar-Yossef et al. ("Sic transit gloria telae"): a page that looks like what
 * its host answers for a random path that cannot exist is itself a "not found" page, whatever its status.
 */

/** What the host answered for a random non-existent sibling path (hosts.probe). */
export type HostProbe = {
  status: number | null;
  /** Where the probe request ended after redirects. */
  finalUrl?: string | null;
  text?: string | null;
  fingerprint?: bigint | string | number | null;
};

export type ProbePage = {
  requestedUrl?: string | null;
  finalUrl: string | null;
  text: string | null;
  fingerprint?: bigint | string | number | null;
};

/** Shingle overlap above which two pages are the same template with different words in it. */
export const PROBE_SIMILARITY = 0.75;
/** SimHash bits that may differ between near-duplicates (64-bit fingerprints). */
export const PROBE_MAX_HAMMING = 3;
/** Texts shorter than this say too little to call two pages alike. */
const MIN_WORDS = 5;
/** The probe keeps only the first 2,000 characters of text; compare like with like (loadHistory reads no more). */
export const PROBE_TEXT_CHARS = 2000;

export function looksLikeProbe(page: ProbePage, probe: HostProbe | null | undefined): boolean {
  if (!probe) return false;
  // Both redirected to the same place (the home page, /404.html, a search page): the host's "not found".
  const redirected = page.requestedUrl && page.finalUrl && !sameUrl(page.requestedUrl, page.finalUrl);
  if (redirected && probe.finalUrl && sameUrl(probe.finalUrl, page.finalUrl!)) {
    return true;
  }
  // A text that came out empty or nearly (a failed extraction, a scanned PDF, an unrendered shell) is
  // like every other such text: it says nothing about being the host's not-found page.
  if (typeof page.text === 'string' || typeof probe.text === 'string') {
    const a = shingles(page.text ?? '');
    const b = shingles(probe.text ?? '');
    return a.size > 0 && b.size > 0 && jaccard(a, b) >= PROBE_SIMILARITY;
  }
  // Neither text at hand, only their fingerprints.
  const fa = toBigInt(page.fingerprint);
  const fb = toBigInt(probe.fingerprint);
  return fa !== null && fb !== null && hammingDistance(fa, fb) <= PROBE_MAX_HAMMING;
}

/**
 * Lower-case words, digits folded to 0 and path-like or random-looking tokens dropped: the probe's text
 * often quotes its own random path, and the page quotes the article's.
 */
export function normalizeText(text: string): string[] {
  return text
    .slice(0, PROBE_TEXT_CHARS)
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w && !w.includes('/') && !/^(?=.*\d)(?=.*[a-z])[a-z0-9_-]{8,}$/.test(w))
    .map((w) => w.replace(/\d+/g, '0').replace(/[^\p{L}\p{N}]+/gu, ''))
    .filter(Boolean);
}

function shingles(text: string, size = 3): Set<string> {
  const words = normalizeText(text);
  if (words.length < MIN_WORDS) return new Set();
  const out = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(' '));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

function toBigInt(v: bigint | string | number | null | undefined): bigint | null {
  if (v === null || v === undefined || v === '') return null;
  try {
    return BigInt.asUintN(64, BigInt(v));
  } catch {
    return null;
  }
}

function sameUrl(a: string, b: string): boolean {
  return stripUrl(a) === stripUrl(b);
}

function stripUrl(u: string): string {
  try {
    const url = new URL(u);
    // The trailing slashes matched from the first only (the lookbehind): a path of slashes is not rescanned from each.
    return `${url.host.toLowerCase()}${url.pathname.replace(/(?<!\/)\/+$/, '')}${url.search}`;
  } catch {
    return u;
  }
}
