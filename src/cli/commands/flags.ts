import type { Command } from 'commander';
import type { FlagView } from '../../flags/listFlags.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerFlags(program: Command, bind: ActionBinder): void {
  const flags = program
    .command('flags')
    .description('events whose cited sources changed or vanished, waiting for an editor')
    .option('--all', 'include resolved and dismissed flags');
  bind(flags, (options: { all?: boolean }) => ({
    run: async ({ database, output }) => {
      const { db } = await database({ lean: true });
      const { listFlags } = await import('../../flags/listFlags.js');
      const views = await listFlags(db, { all: Boolean(options.all) });
      if (output.json) return output.printJson(views.map(flagToJson));
      if (views.length === 0) return output.out(options.all ? 'no flags' : 'no open flags');
      output.out(formatFlagsTable(views));
    },
  }));
  for (const action of ['resolve', 'dismiss'] as const) {
    const sub = flags
      .command(action)
      .argument('<eventId>', 'the flagged event')
      .requiredOption('--note <text>', action === 'resolve' ? 'what was done about it' : 'why the change does not matter')
      .option('--reviewer <name>', 'who decided (default: config reviewer, env CITEWATCH_REVIEWER)')
      .description(
        action === 'resolve' ? "close an event's open flag: the event was fixed" : "close an event's open flag: the change is harmless",
      );
    bind(sub, (options: { note: string; reviewer?: string }, [eventId]) => ({
      flags: { reviewer: options.reviewer },
      run: async ({ database, output, config }) => {
        const { db } = await database({ lean: true });
        const { dismissFlag, resolveFlag } = await import('../../flags/review.js');
        const close = action === 'resolve' ? resolveFlag : dismissFlag;
        const outcome = await close(db, eventId, { reviewer: config.reviewer, note: options.note });
        if (output.json) return output.printJson(outcome);
        output.out(`flag ${outcome.flagId} of event ${eventId} ${outcome.status} by ${config.reviewer}`);
      },
    }));
  }
}

export function flagToJson(v: FlagView) {
  return {
    eventId: v.eventId,
    title: v.title,
    importance: v.importance,
    state: v.state,
    reasons: v.reasons,
    flagId: v.flagId,
    openedAt: v.openedAt,
    closedAt: v.closedAt,
    review: v.review,
    sources: v.sources.map((s) => ({
      url: s.url,
      state: s.state,
      reason: s.reason,
      changeId: s.changeId,
      touchesClaim: s.touchesClaim,
      currentState: s.currentState,
    })),
  };
}

export function formatFlagsTable(views: FlagView[]): string {
  return formatTable(['event', 'imp', 'flag', 'title', 'sources'], views.flatMap(toRows));
}

/** One line per source; the event's columns only on its first line. */
function toRows(v: FlagView): (string | number | null)[][] {
  return v.sources.map((s, i) => {
    const touch = s.touchesClaim?.touches ? ` touches claim (${s.touchesClaim.terms.slice(0, 3).join(', ')})` : '';
    const source = `${s.state}${s.reason ? ` ${s.reason}` : ''}${touch}  ${s.url}`;
    return i === 0 ? [v.eventId, v.importance, v.state, truncate(v.title, 50), source] : ['', null, '', '', source];
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
