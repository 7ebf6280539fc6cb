import { gunzipSync } from 'node:zlib';
import type { ExtractInput } from '../extract/index.js';

/**
 * A body for the extraction pool. `gzip`: the body is gzip-compressed (as the archive keeps it) and
 * is inflated by the thread that extracts it: a page waiting for its text then holds only its
 * compressed bytes.
 */
export type PoolInput = ExtractInput & { gzip?: boolean };

/** A job's bytes as extraction reads them: inflated when compressed, and a plain Uint8Array of their own (pdf.js refuses Buffers and may detach what it reads). */
export function inflate(input: PoolInput): Uint8Array {
  return new Uint8Array(input.gzip ? gunzipSync(input.body) : input.body);
}
