import type { AlertPayload, AlertSource, FlagPayload } from './payload.js';

/**
 * An alert as a person reads it, independent of the medium: the e-mail's text and HTML parts, the
 * Slack blocks and the Atom entry are all rendered from this one shape (render.ts), so they say the
 * same thing. Pure.
 */
export type MessageSection = {
  heading: string;
  link: string | null;
  lines: string[];
  removed: string[];
  added: string[];
};

export type Message = {
  subject: string;
  intro: string;
  link: string | null;
  sections: MessageSection[];
  footer: string[];
};

export function messageOf(payload: AlertPayload): Message {
  if (payload.kind === 'test')
    return { subject: `[citewatch] test message for ${payload.channel}`, intro: payload.message, link: null, sections: [], footer: [] };
  if (payload.kind === 'digest') {
    const sections = payload.alerts.flatMap((a) => sourceSections(a, true));
    return {
      subject: `[citewatch] digest for ${payload.channel}: ${payload.count} alert${payload.count === 1 ? '' : 's'}`,
      intro:
        payload.count === 0
          ? `Nothing was flagged between ${payload.period.from} and ${payload.period.to}.`
          : `${payload.count} source${payload.count === 1 ? '' : 's'} changed or vanished between ${payload.period.from} and ${payload.period.to}.`,
      link: null,
      sections,
      footer: ['Resolve a flag with: citewatch flags resolve <eventId> --note "…"'],
    };
  }
  const { event } = payload;
  const first = payload.sources[0];
  return {
    subject: `[citewatch] ${first ? `${first.state}${first.reason ? ` (${first.reason})` : ''}: ` : ''}${event.title}`,
    intro: eventLine(payload),
    link: event.link,
    sections: sourceSections(payload, false),
    footer: [
      `Resolve it with: ${payload.resolve.command}`,
      ...(payload.resolve.reviewUrl ? [`Review it at ${payload.resolve.reviewUrl}`] : []),
    ],
  };
}

function eventLine({ event }: FlagPayload): string {
  const facts = [event.date, event.importance !== null ? `importance ${event.importance}` : null].filter(Boolean).join(', ');
  return `Event ${event.id}${facts ? ` (${facts})` : ''}: ${event.title}`;
}

function sourceSections(payload: FlagPayload, withEvent: boolean): MessageSection[] {
  return payload.sources.map((s) => ({
    heading: `${withEvent ? `${payload.event.title}: ` : ''}source ${s.state}${s.reason ? ` (${s.reason})` : ''}: ${s.url}`,
    link: s.url,
    lines: [...(withEvent ? [eventLine(payload), `Resolve: ${payload.resolve.command}`] : []), ...sourceLines(s)],
    removed: s.removed,
    added: s.added,
  }));
}

function sourceLines(s: AlertSource): string[] {
  const lines: string[] = [];
  if (s.changeSummary) lines.push(s.changeSummary);
  if (s.touchesClaim) lines.push(`Touches the claim: ${s.claimTerms.slice(0, 5).join(', ')}`);
  else if (s.touchesClaim === false) lines.push('Does not seem to touch the claim.');
  if (s.lastGoodCapture)
    lines.push(
      `Last good capture: ${s.lastGoodCapture.at}${s.lastGoodCapture.link ? ` ${s.lastGoodCapture.link}` : ` (capture ${s.lastGoodCapture.id})`}`,
    );
  if (s.archiveUrl) lines.push(`Archived copy cited by the timeline: ${s.archiveUrl}`);
  return lines;
}
