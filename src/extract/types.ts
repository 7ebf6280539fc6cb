/** What a page says, stripped of its chrome: the input of every comparison. */
export type Extracted = {
  title: string;
  byline: string | null;
  published: string | null;
  /** The paragraphs joined by blank lines; paragraphs are recoverable by splitting on /\n{2,}/. */
  text: string;
  paragraphs: string[];
  signals: Signals;
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
};

export type ExtractInput = { body: Uint8Array; contentType: string | null; url: string };
