import { createHash } from 'node:crypto';
import { fingerprint, toSignedBigint } from '../diff/fingerprint.js';
import { EXTRACTOR_VERSION } from './index.js';
import type { Extracted } from './types.js';

/** The derived snapshot columns for an extraction, computed one way by every writer. */
export function snapshotTextColumns(extracted: Pick<Extracted, 'title' | 'text'>) {
  return {
    title: extracted.title,
    text: extracted.text,
    textHash: createHash('sha256').update(extracted.text).digest('hex'),
    extractorVersion: EXTRACTOR_VERSION,
    fingerprint: toSignedBigint(fingerprint(extracted.text)),
  };
}
