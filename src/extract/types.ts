import type { TextKeys } from './fingerprint.js';
/** What a page says, stripped of its chrome: the input of every comparison. */
export type Extracted = {
  title: string;
  byline: string | null;
  published: string | null;
  /** The paragraphs joined by blank lines; paragraphs are recoverable by splitting on /\n{2,}/. */
  text: string;
  paragraphs: string[];
  signals: Signals;
  /** The text's hash and fingerprint, when the extraction pool computed them off the caller's thread. */
  keys?: TextKeys;
};

/** What kind of page the capture is, beyond its text: the states stage reads these. */
export type Signals = {
  errorPage: boolean;
  parked: boolean;
  botChallenge: boolean;
  paywall: boolean;
  /** Little readable text, an app root and a big script payload: worth rendering in a browser. */
  scriptShell: boolean;
  wordCount: number;
  /** Set when the text is not Readability's: see Extraction. Absent on a normal extraction. */
  extraction?: Extraction;
  /** What the page's content says it is (signals.ts pageLayout); absent when it says neither or was not read. */
  layout?: PageLayout;
};

/** A listing of other pages' headlines (a section front) or an article with a body of prose. */
export type PageLayout = 'listing' | 'article';

/**
 * How an extraction fell short, for the source's state to say so rather than stay silently ok:
 * a document too deep or too large for the DOM was read as plain text (every word, chrome
 * included); one that took longer, or more memory, than the extraction pool allows has no text at all.
 */
export type Extraction = 'fallback-deep-document' | 'fallback-large-document' | 'timeout' | 'out-of-memory';

export type ExtractInput = { body: Uint8Array; contentType: string | null; url: string };
