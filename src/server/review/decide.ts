import type { Db } from '../../db/open.js';
import { UsageError } from '../../errors.js';
import { dismissFlag, reopenFlag, snoozeFlag, type ReviewInput } from '../../flags/review.js';
import { replaceSource, reverifySource } from '../../flags/sourceDecisions.js';

/** A decision form as posted (already shape-checked by the route's schema). */
export type DecisionForm = { action: string; note: string; sourceId?: string; url?: string; until?: string };

export const DECISIONS = ['reverify', 'replace', 'dismiss', 'snooze', 'reopen'] as const;

function sourceIdOf(form: DecisionForm): number {
  const id = Number(form.sourceId);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`the ${form.action} decision needs the source it is about`);
  return id;
}

/** A snooze date (YYYY-MM-DD) means until the start of that day, UTC. */
export function snoozeUntil(day: string | undefined): Date {
  const until = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : null;
  if (!until || Number.isNaN(until.getTime())) throw new UsageError('snooze needs a date (YYYY-MM-DD) to snooze until');
  return until;
}

/** Carries out one decision of the web app; each writes its line in the audit log. */
export async function decide(db: Db, eventId: string, form: DecisionForm, who: ReviewInput): Promise<void> {
  switch (form.action) {
    case 'reverify':
      await reverifySource(db, eventId, sourceIdOf(form), who);
      return;
    case 'replace':
      await replaceSource(db, eventId, sourceIdOf(form), form.url ?? '', who);
      return;
    case 'dismiss':
      await dismissFlag(db, eventId, who);
      return;
    case 'snooze':
      await snoozeFlag(db, eventId, snoozeUntil(form.until), who);
      return;
    case 'reopen':
      await reopenFlag(db, eventId, who);
      return;
    default:
      throw new UsageError(`unknown decision "${form.action}" (one of ${DECISIONS.join(', ')})`);
  }
}
