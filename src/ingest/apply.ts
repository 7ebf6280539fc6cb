import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { citations, events, ingestRuns, sources, sourceUrls } from '../db/schema/index.js';
import type { IngestPlan } from './plan.js';
import { chunks } from '../db/chunks.js';

/**
 * Rows per statement: well under the 65,535 bind parameters of the protocol, and small enough that
 * the embedded database never has to hold a large statement (its memory only grows).
 */
const CHUNK = 100;

export type RunRecord = { startedAt: Date; paths: string[]; counts: Record<string, number>; rejections: unknown[] };

/**
 * Writes a plan in one transaction, a few batched statements per table, and records the run.
 * sourceIds (URL → id of the existing sources) is completed with the sources it inserts.
 */
export async function applyPlan(db: Db, plan: IngestPlan, sourceIds: Map<string, number>, run: RunRecord): Promise<void> {
  await db.transaction(async (tx) => {
    for (const rows of chunks(plan.newSources, CHUNK)) {
      const inserted = await tx.insert(sources).values(rows).onConflictDoNothing().returning({ id: sources.id, url: sources.url });
      for (const s of inserted) sourceIds.set(s.url, s.id);
    }
    const missing = plan.newSources.filter((s) => !sourceIds.has(s.url)).map((s) => s.url);
    // Another ingest inserted them between our read and our write (PostgreSQL only).
    for (const urls of chunks(missing, CHUNK)) {
      for (const s of await tx.select({ id: sources.id, url: sources.url }).from(sources).where(inArray(sources.url, urls)))
        sourceIds.set(s.url, s.id);
    }
    const changed = [...plan.insertEvents, ...plan.updateEvents];
    for (const rows of chunks(changed, CHUNK)) {
      await tx
        .insert(events)
        .values(
          rows.map((e) => ({
            id: e.id,
            title: e.title,
            date: e.date,
            importance: e.importance,
            status: e.status,
            description: e.description,
            tags: e.tags,
            actors: e.actors,
            sourcePath: e.file,
            contentHash: e.contentHash,
          })),
        )
        .onConflictDoUpdate({
          target: events.id,
          set: {
            ...excluded(['title', 'date', 'importance', 'status', 'description', 'tags', 'actors', 'source_path', 'content_hash']),
            updatedAt: sql`now()`,
            removedAt: sql`null`,
          },
        });
    }
    for (const rows of chunks(plan.upsertCitations, CHUNK)) {
      await tx
        .insert(citations)
        .values(
          rows.map(({ eventId, citation: c }) => ({
            eventId,
            sourceId: sourceIds.get(c.normalizedUrl)!,
            originalUrl: c.url,
            position: c.position,
            title: c.title,
            outlet: c.outlet,
            date: c.date,
            tier: c.tier,
            archiveUrl: c.archiveUrl,
            extra: c.extra,
          })),
        )
        .onConflictDoUpdate({
          target: [citations.eventId, citations.sourceId],
          set: {
            ...excluded(['original_url', 'position', 'title', 'outlet', 'date', 'tier', 'archive_url', 'extra']),
            attachedAt: sql`case when ${citations.detachedAt} is null then ${citations.attachedAt} else now() end`,
            detachedAt: sql`null`,
          },
        });
    }
    for (const rows of chunks(plan.detachCitations, CHUNK)) {
      const pairs = sql.join(
        rows.map((d) => sql`(${d.eventId}, ${sourceIds.get(d.sourceUrl)!}::int)`),
        sql`, `,
      );
      await tx.execute(sql`update citations set detached_at = now()
        where detached_at is null and (event_id, source_id) in (${pairs})`);
    }
    for (const ids of chunks(plan.removeEvents, CHUNK)) {
      await tx.update(events).set({ removedAt: sql`now()` }).where(inArray(events.id, ids));
    }
    for (const rows of chunks(plan.newSpellings, CHUNK)) {
      await tx
        .insert(sourceUrls)
        .values(rows.map((s) => ({ sourceId: sourceIds.get(s.sourceUrl)!, url: s.url, kind: 'cited' })))
        .onConflictDoNothing();
    }
    if (changed.length > 0 || plan.removeEvents.length > 0) await refreshPriorities(tx as unknown as Db);
    await tx.insert(ingestRuns).values({ ...run, finishedAt: new Date() });
  });
}

/**
 * sources.priority = the highest importance among the live events citing a source (0 when none),
 * so a crawl checks important sources first. Only rows whose value moves are written.
 */
export async function refreshPriorities(db: Db): Promise<void> {
  await db.execute(sql`update sources set priority = x.p
    from (select s.id, coalesce(max(e.importance) filter (where c.detached_at is null and e.removed_at is null), 0) as p
          from sources s left join citations c on c.source_id = s.id left join events e on e.id = c.event_id
          group by s.id) x
    where x.id = sources.id and sources.priority <> x.p`);
}

function excluded(columns: string[]): Record<string, SQL> {
  return Object.fromEntries(columns.map((c) => [camel(c), sql.raw(`excluded.${c}`)]));
}

function camel(column: string): string {
  return column.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}
