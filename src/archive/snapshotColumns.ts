import { EXTRACTOR_VERSION, type Extracted } from '../extract/index.js';
import { textKeys } from '../extract/fingerprint.js';

/** What a snapshot row holds besides its bytes: everything derived from extracting them. */
export type SnapshotColumns = {
  title: string | null;
  text: string | null;
  textHash: string | null;
  fingerprint: bigint | null;
  signals: Extracted['signals'] | null;
  extractorVersion: number | null;
};

/**
 * The one place a snapshot's derived columns are computed from an extraction, for every writer: the
 * archive at capture time, re-derivation after an extractor upgrade, and the host's soft-404 probe.
 * A body the extractor choked on (null) gets no text and no version, so a later extractor retries it.
 */
export function snapshotColumns(
  extracted: (Pick<Extracted, 'title' | 'text' | 'keys'> & { signals: Extracted['signals'] | null }) | null,
): SnapshotColumns {
  if (!extracted) return { title: null, text: null, textHash: null, fingerprint: null, signals: null, extractorVersion: null };
  return {
    title: extracted.title,
    text: extracted.text,
    ...(extracted.keys ?? textKeys(extracted.text)),
    signals: extracted.signals,
    extractorVersion: EXTRACTOR_VERSION,
  };
}
