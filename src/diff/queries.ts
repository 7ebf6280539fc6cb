import { eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/open.js';
import { changes, snapshots } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import type { SourceRow } from '../ingest/queries.js';

export type SourceChange = {
  change: typeof changes.$inferSelect;
  before: { snapshotId: number; title: string | null; text: string; at: Date };
  after: { snapshotId: number; title: string | null; text: string; at: Date };
};

/** The source's latest material change, or its latest change of any kind when none was material. */
export async function latestChange(db: Db, source: SourceRow): Promise<SourceChange> {
  const [found] = await queryRows<{ id: number }>(
    db,
    sql`select c.id from ${changes} c
        where c.to_snapshot_id in (select coalesce(rendered_snapshot_id, snapshot_id) from captures where source_id = ${source.id})
          and c.from_snapshot_id in (select coalesce(rendered_snapshot_id, snapshot_id) from captures where source_id = ${source.id})
        order by (c.classification = 'material') desc, c.id desc limit 1`,
  );
  if (!found) throw new NotFoundError(`no change recorded yet for ${source.url} (state ${source.state})`);
  const [change] = await db
    .select()
    .from(changes)
    .where(eq(changes.id, Number(found.id)));
  const snaps = await db
    .select({ id: snapshots.id, title: snapshots.title, text: snapshots.text, at: snapshots.createdAt })
    .from(snapshots)
    .where(inArray(snapshots.id, [change.fromSnapshotId, change.toSnapshotId]));
  const side = (id: number) => {
    const s = snaps.find((x) => x.id === id)!;
    return { snapshotId: s.id, title: s.title, text: s.text ?? '', at: s.at };
  };
  return { change, before: side(change.fromSnapshotId), after: side(change.toSnapshotId) };
}
