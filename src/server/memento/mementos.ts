import { listCaptures } from '../../archive/queries.js';
import type { Db } from '../../db/open.js';
import { type SourceRow, findSourceByUrl } from '../../ingest/queries.js';
import { distinctMementos, type Memento } from './links.js';

/**
 * The mementos of a URL, by any spelling the timeline used: every capture of its source that got
 * content (fetched, or not modified since one that was), one per second, oldest first.
 */
export async function mementosOf(db: Db, url: string): Promise<{ source: SourceRow; mementos: Memento[] }> {
  const source = await findSourceByUrl(db, url);
  const captures = await listCaptures(db, source.id);
  const withContent = captures.filter((c) => (c.outcome === 'fetched' || c.outcome === 'not-modified') && c.snapshotId !== null);
  return { source, mementos: distinctMementos(withContent.map((c) => ({ captureId: c.id, at: c.at }))) };
}
