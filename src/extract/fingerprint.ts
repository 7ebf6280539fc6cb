import { sha256 } from '../sha256.js';
import { comparableText } from './normalize.js';

/** 32-bit FNV-1a with a murmur3 finaliser; two seeds give the 64 bits of a shingle's hash. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * SimHash (64-bit) of the comparable text over 3-word shingles: near-identical texts get
 * fingerprints a few bits apart, unrelated texts about 32 bits apart.
 */
export function fingerprint(text: string): bigint {
  const words =
    comparableText(text)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const weights = new Int32Array(64);
  const shingles = words.length < 3 ? [words.join(' ')] : words.slice(2).map((_, i) => `${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  for (const shingle of shingles) {
    const halves = [hash32(shingle, 0x9e3779b9), hash32(shingle, 0x7f4a7c15)];
    for (let bit = 0; bit < 64; bit++) weights[bit] += (halves[bit >> 5] >>> (bit & 31)) & 1 ? 1 : -1;
  }
  let result = 0n;
  for (let bit = 63; bit >= 0; bit--) result = (result << 1n) | (weights[bit] > 0 ? 1n : 0n);
  return result;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}

/** PostgreSQL bigint is signed: the fingerprint is stored as its two's-complement value. */
export function toSignedBigint(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** What identifies an extracted text in the archive: its hash (the same text read again) and its SimHash, as stored (signed). */
export type TextKeys = { textHash: string; fingerprint: bigint };

/**
 * TextKeys of a text. The extraction pool's workers compute them with the text (extractWorker.ts),
 * so the crawl's thread does not: on a pass they cost it about 3 s (docs/benchmarks.md).
 */
export function textKeys(text: string): TextKeys {
  return { textHash: sha256(text), fingerprint: toSignedBigint(fingerprint(text)) };
}
