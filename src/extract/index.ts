import { countWords } from './blocks.js';
import { decodeBody } from './charset.js';
import { extractHtml } from './html.js';
import { extractPdf, isPdf } from './pdf.js';
import { computeSignals } from './signals.js';
import type { Extraction, ExtractInput, Extracted } from './types.js';

export type { Extracted, Extraction, Signals, ExtractInput } from './types.js';

/** Bump when extraction output changes: snapshots extracted by an older version are re-extracted. */
export const EXTRACTOR_VERSION = 5;

function assemble(
  parts: { title: string; byline: string | null; published: string | null; paragraphs: string[] },
  raw: { documentTitle: string; scriptChars: number; appRoot: boolean; markup: string; extraction?: Extraction },
): Extracted {
  const { title, byline, published } = parts;
  // A byline repeated as the first paragraph is metadata, kept in its own field.
  const paragraphs = byline && parts.paragraphs[0] === byline ? parts.paragraphs.slice(1) : parts.paragraphs;
  const text = paragraphs.join('\n\n');
  const wordCount = countWords(text);
  const signals = computeSignals({ ...raw, title, text, wordCount });
  if (raw.extraction) signals.extraction = raw.extraction;
  return { title, byline, published, text, paragraphs, signals };
}

const NO_MARKUP = { documentTitle: '', scriptChars: 0, appRoot: false, markup: '' };

/**
 * The readable content of a captured body: HTML through Readability (plus a few chrome rules),
 * PDF through pdf.js, plain text as is. Never throws on bad bytes: an unreadable body is empty text.
 */
export async function extractContent(input: ExtractInput, options: { chromeRules?: boolean } = {}): Promise<Extracted> {
  const { body, contentType } = input;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (isPdf(body, contentType)) {
    try {
      const pdf = await extractPdf(body);
      return assemble({ ...pdf, byline: null, published: null }, NO_MARKUP);
    } catch {
      return assemble({ title: '', byline: null, published: null, paragraphs: [] }, NO_MARKUP);
    }
  }
  if (type.startsWith('text/plain') || type === 'text/markdown' || type === 'text/csv') {
    const { text } = decodeBody(body, contentType, false);
    const paragraphs = text
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    return assemble({ title: paragraphs[0]?.slice(0, 200) ?? '', byline: null, published: null, paragraphs }, NO_MARKUP);
  }
  if (type && !/html|xml/.test(type) && !looksLikeHtml(body)) {
    // Images, archives, JSON APIs: nothing an editor would read; the hash still tracks changes.
    return assemble({ title: '', byline: null, published: null, paragraphs: [] }, NO_MARKUP);
  }
  const { text: html } = decodeBody(body, contentType);
  const facts = extractHtml(html, options);
  return assemble(facts, facts);
}

function looksLikeHtml(body: Uint8Array): boolean {
  const head = Buffer.from(body.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<head') || head.includes('<body');
}
