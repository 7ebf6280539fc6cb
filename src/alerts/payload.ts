/**
 * What an alert says, version 1 (docs/alerts.md documents it with an example). Built once, when the
 * alert is written, from plain facts, and stored in the outbox row: a retry months later sends the
 * same words.
 */

export const PAYLOAD_VERSION = 1;

export type CaptureLink = { id: number; at: string; link: string | null };

export type AlertSource = {
  url: string;
  state: 'changed' | 'vanished';
  reason: string | null;
  /** Whether the changed passages touch the event's claim (null for a vanished page), and which terms. */
  touchesClaim: boolean | null;
  claimTerms: string[];
  changeSummary: string | null;
  /** The changed passages, claim-relevant ones first, short. */
  removed: string[];
  added: string[];
  lastGoodCapture: CaptureLink | null;
  /** The copy the timeline itself cites (archive.org, archive.today), when it gives one. */
  archiveUrl: string | null;
};

export type FlagPayload = {
  version: 1;
  kind: 'flag';
  /** open: the event's flag was opened; add: a source joined the flag already open. */
  action: 'open' | 'add';
  flagId: number;
  raisedAt: string;
  event: { id: string; title: string; date: string | null; importance: number | null; tags: string[]; link: string | null };
  sources: AlertSource[];
  resolve: { command: string; reviewUrl: string | null };
};

export type DigestPayload = {
  version: 1;
  kind: 'digest';
  channel: string;
  period: { from: string; to: string };
  count: number;
  alerts: FlagPayload[];
};

export type TestPayload = { version: 1; kind: 'test'; channel: string; sentAt: string; message: string };

export type AlertPayload = FlagPayload | DigestPayload | TestPayload;

export type FlagFacts = {
  flagId: number;
  action: 'open' | 'add';
  at: Date;
  event: { id: string; title: string; date: string | null; importance: number | null; tags: string[] };
  source: {
    url: string;
    state: 'changed' | 'vanished';
    reason: string | null;
    touchesClaim: { touches: boolean; terms: string[] } | null;
    change: { summary: string | null; removed: string[]; added: string[] } | null;
    lastGoodCapture: { id: number; at: Date } | null;
    archiveUrl: string | null;
  };
};

const MAX_PASSAGES = 3;
const MAX_PASSAGE_CHARS = 240;

export function buildFlagPayload(facts: FlagFacts, publicBaseUrl: string | undefined): FlagPayload {
  const { event, source } = facts;
  const terms = source.touchesClaim?.terms ?? [];
  const link = (path: string) => (publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}${path}` : null);
  const eventLink = link(`/events/${encodeURIComponent(event.id)}`);
  return {
    version: PAYLOAD_VERSION,
    kind: 'flag',
    action: facts.action,
    flagId: facts.flagId,
    raisedAt: facts.at.toISOString(),
    event: { ...event, link: eventLink },
    sources: [
      {
        url: source.url,
        state: source.state,
        reason: source.reason,
        touchesClaim: source.touchesClaim?.touches ?? null,
        claimTerms: terms,
        changeSummary: source.change?.summary ?? null,
        removed: claimPassages(source.change?.removed ?? [], terms),
        added: claimPassages(source.change?.added ?? [], terms),
        lastGoodCapture: source.lastGoodCapture && {
          id: source.lastGoodCapture.id,
          at: source.lastGoodCapture.at.toISOString(),
          link: link(`/captures/${source.lastGoodCapture.id}`),
        },
        archiveUrl: source.archiveUrl,
      },
    ],
    resolve: { command: `citewatch flags resolve ${shellWord(event.id)} --note "…"`, reviewUrl: eventLink },
  };
}

/** A few short passages: those naming a claim term first, then the rest, each cut to a readable length. */
export function claimPassages(passages: string[], terms: string[]): string[] {
  const needles = terms.map((t) => t.replace(/^"|"$/g, '').toLowerCase()).filter(Boolean);
  const names = (p: string) => needles.some((n) => p.toLowerCase().includes(n));
  const ordered = [...passages.filter(names), ...passages.filter((p) => !names(p))];
  return ordered.slice(0, MAX_PASSAGES).map((p) => shorten(p.replace(/\s+/g, ' ').trim(), MAX_PASSAGE_CHARS));
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** An event id as one shell word, quoted only when it needs to be. */
function shellWord(id: string): string {
  return /^[\w.:@%+-]+$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
}

export function buildTestPayload(channel: string, at: Date): TestPayload {
  return {
    version: PAYLOAD_VERSION,
    kind: 'test',
    channel,
    sentAt: at.toISOString(),
    message: `A test message from citewatch to the channel "${channel}": if you read this, alerts reach you.`,
  };
}

export function buildDigestPayload(channel: string, period: { from: Date; to: Date }, alerts: FlagPayload[]): DigestPayload {
  return {
    version: PAYLOAD_VERSION,
    kind: 'digest',
    channel,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    count: alerts.length,
    alerts,
  };
}
