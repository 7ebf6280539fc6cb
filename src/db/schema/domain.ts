/**
 * The values the text columns of the domain may hold, given to the schema with `$type` so queries
 * read them typed (no casts). The stages that decide them (states, crawl, diff, flags) use these.
 */

/** A source's derived state (sources.state, source_states.state, flag_sources.state). */
export type SourceState = 'pending' | 'ok' | 'changed' | 'vanished' | 'unreachable' | 'blocked';

/** What one attempt at a source came to (captures.outcome). */
export type Outcome =
  | 'fetched'
  | 'not-modified'
  | 'http-error'
  | 'network-error'
  | 'robots-disallowed'
  | 'too-large'
  | 'refused-address'
  | 'not-rendered';

/** Whether a change between two snapshots matters (changes.classification). */
export type ChangeClassification = 'noise' | 'material';

/** Where a flag stands (flags.status). */
export type FlagStatus = 'open' | 'resolved' | 'dismissed';
