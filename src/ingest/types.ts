/** Plain data passed between the ingest steps: what a timeline file says, and what was refused. */

export type ParsedCitation = {
  /** The URL exactly as the file spells it (citations.original_url). */
  url: string;
  /** Its normalized form, the source it belongs to (sources.url), and that URL's host. */
  normalizedUrl: string;
  host: string;
  /** Index in the event's source list as written, rejected entries included. */
  position: number;
  title: string | null;
  outlet: string | null;
  date: string | null;
  tier: number | null;
  archiveUrl: string | null;
  /** Every field of the citation that has no column of its own, kept as given. */
  extra: Record<string, unknown>;
};

export type ParsedEvent = {
  id: string;
  title: string;
  date: string | null;
  importance: number | null;
  status: string | null;
  description: string;
  tags: string[];
  actors: string[];
  citations: ParsedCitation[];
  /** The file it was read from (absolute when the edge read it from disk). */
  file: string;
  /** How many citations the file lists for the event, unusable and repeated ones included. */
  citationsGiven: number;
  /** Hash of everything above except `file` and `citationsGiven`: the same event in two files hashes the same. */
  contentHash: string;
};

/** Why a piece of input was refused. Everything else in the same file is still ingested. */
export type RejectionKind =
  | 'unreadable-file' // cannot be read, or is not a kind of file the ingest knows
  | 'parse-error' // not valid Markdown front matter / JSON / YAML, or not an event object
  | 'missing-id' // an event without an id: it cannot be ingested
  | 'missing-field' // an event without a title: it cannot be ingested
  | 'invalid-field' // a field with an unusable value: the event is kept without it
  | 'missing-url' // a citation with an empty or no URL
  | 'not-a-url' // a citation whose URL is a name ("Bloomberg") rather than a URL
  | 'no-scheme' // a URL without http:// or https://
  | 'unsupported-scheme' // ftp:, mailto:, ...
  | 'invalid-url' // starts like a URL but does not parse
  | 'duplicate-citation' // the same page cited twice by one event: the first is kept
  | 'duplicate-conflict'; // one id in two files with different content: one rule picks the winner

export type Rejection = {
  kind: RejectionKind;
  file: string;
  line?: number;
  eventId?: string;
  field?: string;
  reason: string;
};

export type ParseResult = { events: ParsedEvent[]; rejections: Rejection[] };
