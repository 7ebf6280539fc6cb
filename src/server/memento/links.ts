import { archiveTimestamp } from '../../archive/captureTimes.js';

/**
 * Memento (RFC 7089) as plain data: the dates, the Link values of TimeGate, Memento and TimeMap
 * answers, and the JSON TimeMap. Pure: the routes hand in the mementos and where the archive lives.
 */

/** One memento of a URL: a capture that got content, named by its 14-digit time. */
export type Memento = { captureId: number; at: Date };

/** Where the archive's Memento resources are, for one original URL (absolute URIs, as Link needs). */
export type MementoUris = {
  original: string;
  timegate: string;
  timemap: (format: 'link' | 'json') => string;
  memento: (at: Date) => string;
};

export function mementoUris(base: string, original: string): MementoUris {
  return {
    original,
    timegate: `${base}/memento/timegate/${original}`,
    timemap: (format) => `${base}/memento/timemap/${format}/${original}`,
    memento: (at) => `${base}/memento/${archiveTimestamp(at)}/${original}`,
  };
}

/** An HTTP date as RFC 7089 writes it (RFC 1123, always GMT): "Tue, 20 Jun 2000 18:02:59 GMT". */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

const RFC1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** An Accept-Datetime value (RFC 7089 §2.1.1: an RFC 1123 date in GMT), or null when it is not one. */
export function parseAcceptDatetime(value: string): Date | null {
  const m = RFC1123.exec(value.trim());
  if (!m) return null;
  const date = new Date(`${m[2]} ${m[3]} ${m[4]} ${m[5]}:${m[6]}:${m[7]} GMT`);
  // Date rolls "31 Feb" over to March: a real date prints back as given. A wrong weekday is forgiven
  // (RFC 7089's own example calls 15 Sep 2000 a Tuesday).
  return Number.isNaN(date.getTime()) || httpDate(date).slice(5) !== value.trim().slice(5) ? null : date;
}

/** One link-value of a Link header or a link-format TimeMap. */
export type LinkValue = { uri: string; rel: string; params?: [string, string][] };

function formatLink({ uri, rel, params = [] }: LinkValue): string {
  return [`<${uri}>`, `rel="${rel}"`, ...params.map(([k, v]) => `${k}="${v}"`)].join('; ');
}

/** A Link header's value: link-values separated by ", ". */
export function linkHeader(links: LinkValue[]): string {
  return links.map(formatLink).join(', ');
}

/** An application/link-format document (RFC 6690): one link-value a line, separated by ",". */
export function linkFormat(links: LinkValue[]): string {
  return `${links.map(formatLink).join(',\n')}\n`;
}

/**
 * One memento per 14-digit time, oldest first: a URI-M names exactly one memento, so of captures
 * within the same second the last one stands for it.
 */
export function distinctMementos(mementos: Memento[]): Memento[] {
  const bySecond = new Map<string, Memento>();
  const ordered = [...mementos].sort((a, b) => a.at.getTime() - b.at.getTime() || a.captureId - b.captureId);
  for (const m of ordered) bySecond.set(archiveTimestamp(m.at), m);
  return [...bySecond.values()];
}

const mementoLink = (uris: MementoUris, m: Memento, roles: string[]): LinkValue => ({
  uri: uris.memento(m.at),
  rel: [...roles, 'memento'].join(' '),
  params: [['datetime', httpDate(m.at)]],
});

/**
 * The mementos around `selected` (RFC 7089 §2.2.1.4): first, last, prev, next and the selected one,
 * each memento once with all its roles ("first prev memento" when the previous is the first).
 */
export function navigationLinks(uris: MementoUris, mementos: Memento[], selected: Memento): LinkValue[] {
  const at = mementos.findIndex((m) => m.captureId === selected.captureId);
  const last = mementos.length - 1;
  return mementos.flatMap((m, i) => {
    const roles = [i === 0 && 'first', i === last && 'last', i === at - 1 && 'prev', i === at + 1 && 'next'].filter(
      (r): r is string => typeof r === 'string',
    );
    return i === at || roles.length > 0 ? [mementoLink(uris, m, roles)] : [];
  });
}

/** The TimeMap link; with the range it covers where the RFC's examples give it (TimeGate, self). */
const timemapLink = (uris: MementoUris, mementos: Memento[], rel: string, withRange = true): LinkValue => ({
  uri: uris.timemap('link'),
  rel,
  params: [
    ['type', 'application/link-format'],
    ...(withRange && mementos.length > 0
      ? ([
          ['from', httpDate(mementos[0].at)],
          ['until', httpDate(mementos[mementos.length - 1].at)],
        ] as [string, string][])
      : []),
  ],
});

/** The TimeGate's 302 (RFC 7089 §4.2.1): original, timemap, and the mementos around the chosen one. */
export function timegateLinks(uris: MementoUris, mementos: Memento[], selected: Memento): LinkValue[] {
  return [{ uri: uris.original, rel: 'original' }, timemapLink(uris, mementos, 'timemap'), ...navigationLinks(uris, mementos, selected)];
}

/** A memento's own answer (RFC 7089 §4.2.1): original, timemap, timegate, and its neighbours. */
export function mementoLinks(uris: MementoUris, mementos: Memento[], selected: Memento): LinkValue[] {
  return [
    { uri: uris.original, rel: 'original' },
    timemapLink(uris, mementos, 'timemap', false),
    { uri: uris.timegate, rel: 'timegate' },
    ...navigationLinks(uris, mementos, selected),
  ];
}

/** A TimeMap (RFC 7089 §5.1.1): original, self with from/until, timegate, then every memento, oldest first. */
export function timemapLinks(uris: MementoUris, mementos: Memento[]): LinkValue[] {
  return [
    { uri: uris.original, rel: 'original' },
    timemapLink(uris, mementos, 'self'),
    { uri: uris.timegate, rel: 'timegate' },
    ...mementos.map((m, i) => mementoLink(uris, m, [...(i === 0 ? ['first'] : []), ...(i === mementos.length - 1 ? ['last'] : [])])),
  ];
}

/** The JSON TimeMap, in the shape Memento tools read (mementoweb.org's timemap-json). */
export function timemapJson(uris: MementoUris, mementos: Memento[]) {
  const item = (m: Memento) => ({ datetime: m.at.toISOString().replace(/\.\d{3}Z$/, 'Z'), uri: uris.memento(m.at) });
  return {
    original_uri: uris.original,
    timegate_uri: uris.timegate,
    timemap_uri: { link_format: uris.timemap('link'), json_format: uris.timemap('json') },
    mementos: {
      list: mementos.map(item),
      ...(mementos.length > 0 ? { first: item(mementos[0]), last: item(mementos[mementos.length - 1]) } : {}),
    },
  };
}
