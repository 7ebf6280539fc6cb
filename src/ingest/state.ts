import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/open.js';
import { spellingKey, type CurrentState } from './plan.js';

/** Everything planning needs from the database, in four queries, plus source ids by URL. */
export async function loadState(db: Db): Promise<{ state: CurrentState; sourceIds: Map<string, number> }> {
  const [eventRows, sourceRows, citationRows, spellingRows] = await Promise.all([
    queryRows<{ id: string; content_hash: string; source_path: string; removed: boolean }>(
      db,
      sql`select id, content_hash, source_path, removed_at is not null as removed from events`,
    ),
    queryRows<{ id: number; url: string }>(db, sql`select id, url from sources`),
    queryRows<{ event_id: string; source_id: number; detached: boolean }>(
      db,
      sql`select event_id, source_id, detached_at is not null as detached from citations`,
    ),
    queryRows<{ source_id: number; url: string }>(db, sql`select source_id, url from source_urls where kind = 'cited'`),
  ]);
  const urlById = new Map(sourceRows.map((s) => [s.id, s.url]));
  const state: CurrentState = {
    events: new Map(eventRows.map((e) => [e.id, { contentHash: e.content_hash, sourcePath: e.source_path, removed: e.removed }])),
    citations: new Map(),
    sources: new Set(sourceRows.map((s) => s.url)),
    spellings: new Set(spellingRows.map((s) => spellingKey(urlById.get(s.source_id)!, s.url))),
  };
  for (const c of citationRows) {
    let forEvent = state.citations.get(c.event_id);
    if (!forEvent) state.citations.set(c.event_id, (forEvent = new Map()));
    forEvent.set(urlById.get(c.source_id)!, { detached: c.detached });
  }
  return { state, sourceIds: new Map(sourceRows.map((s) => [s.url, s.id])) };
}
