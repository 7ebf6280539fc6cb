import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Queryable } from '../db/open.js';
import { changes, citations, events, flags, flagSources } from '../db/schema/index.js';
import { touchesClaim } from '../diff/claim.js';
import { isFlagWorthy, planFlags, type FlagEntry, type SourceStateFacts } from './planFlags.js';

export type FlagOutcome = { eventId: string; action: 'open' | 'add'; flagId: number };

const entryColumns = {
  sourceId: flagSources.sourceId,
  state: flagSources.state,
  changeId: flagSources.changeId,
  sinceCaptureId: flagSources.sinceCaptureId,
};

/**
 * Raises flags on every live event citing a source now changed or vanished, each episode once:
 * a new flag when the event has none open, otherwise the source joins the open one.
 */
export async function applyFlagPlans(tx: Queryable, source: SourceStateFacts): Promise<FlagOutcome[]> {
  if (!isFlagWorthy(source.state)) return [];
  const citing = await tx
    .select({ id: events.id, title: events.title, description: events.description })
    .from(citations)
    .innerJoin(events, eq(events.id, citations.eventId))
    .where(and(eq(citations.sourceId, source.sourceId), isNull(citations.detachedAt), isNull(events.removedAt)));
  const [change] = source.changeId !== null ? await tx.select().from(changes).where(eq(changes.id, source.changeId)) : [];
  const outcomes: FlagOutcome[] = [];
  for (const event of citing) {
    const [open] = await tx
      .select({ id: flags.id })
      .from(flags)
      .where(and(eq(flags.eventId, event.id), eq(flags.status, 'open')));
    const openEntries: FlagEntry[] = open ? await tx.select(entryColumns).from(flagSources).where(eq(flagSources.flagId, open.id)) : [];
    const closedEntries: FlagEntry[] = await tx
      .select(entryColumns)
      .from(flagSources)
      .innerJoin(flags, eq(flags.id, flagSources.flagId))
      .where(and(eq(flags.eventId, event.id), ne(flags.status, 'open'), eq(flagSources.sourceId, source.sourceId)));
    const plan = planFlags({ sources: [source], openFlag: open ? { id: open.id, entries: openEntries } : null, closedEntries });
    if (plan.action === 'none') continue;
    const flagId = plan.action === 'add' ? plan.flagId : await openFlag(tx, event.id);
    const touches = change ? touchesClaim(change, { title: event.title, description: event.description }) : null;
    await tx.insert(flagSources).values(
      plan.entries.map((e) => ({
        flagId,
        sourceId: e.sourceId,
        state: e.state,
        reason: e.reason,
        changeId: e.changeId,
        sinceCaptureId: e.sinceCaptureId,
        touchesClaim: touches,
      })),
    );
    outcomes.push({ eventId: event.id, action: plan.action, flagId });
  }
  return outcomes;
}

/** The event's open flag, created unless another transaction just did (one open flag per event). */
async function openFlag(tx: Queryable, eventId: string): Promise<number> {
  const [inserted] = await tx.insert(flags).values({ eventId }).onConflictDoNothing().returning({ id: flags.id });
  if (inserted) return inserted.id;
  const [existing] = await tx
    .select({ id: flags.id })
    .from(flags)
    .where(and(eq(flags.eventId, eventId), eq(flags.status, 'open')));
  return existing.id;
}
