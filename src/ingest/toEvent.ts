import { sha256 } from '../sha256.js';
import { normalizeUrl } from './normalizeUrl.js';
import type { ParsedCitation, ParsedEvent, Rejection } from './types.js';

/** Where in the file a value sits (key path from the event record), when the parser can tell. */
export type LineOf = (path: (string | number)[]) => number | undefined;

type Record_ = Record<string, unknown>;

/** Citations read per event: real events cite a dozen at most; 100,000 would only slow every pass. */
export const MAX_CITATIONS_PER_EVENT = 1000;

/**
 * One event record (front matter, or a JSON/YAML object) as plain data. Field names vary across
 * the corpus: the description is the Markdown body and/or `summary`/`description`; a citation's
 * outlet is `outlet`, `publisher` or `publication`; its date `date`, `date_published`, ...
 */
export function toEvent(record: Record_, body: string, file: string, lineOf: LineOf): { event?: ParsedEvent; rejections: Rejection[] } {
  const rejections: Rejection[] = [];
  const id = scalarText(record.id);
  if (!id) {
    const title = scalarText(record.title);
    const what = title ? `the event "${truncate(title)}"` : 'an event';
    return { rejections: [{ kind: 'missing-id', file, line: lineOf([]), field: 'id', reason: `${what} has no id` }] };
  }
  const reject = (r: Omit<Rejection, 'file' | 'eventId'>) => rejections.push({ file, eventId: id, ...r });
  const title = scalarText(record.title);
  if (!title) {
    reject({ kind: 'missing-field', field: 'title', line: lineOf(['id']), reason: `event ${id} has no title` });
    return { rejections };
  }
  let importance: number | null = null;
  if (record.importance !== undefined && record.importance !== null) {
    importance = toInteger(record.importance);
    if (importance === null) {
      reject({
        kind: 'invalid-field',
        field: 'importance',
        line: lineOf(['importance']),
        reason: `importance ${JSON.stringify(record.importance)} is not a whole number; kept without it`,
      });
    }
  }
  const lead = scalarText(record.summary) ?? scalarText(record.description);
  const description = [lead, body.trim()].filter((s, i, all) => s && all.indexOf(s) === i).join('\n\n');
  const citations = toCitations(record.sources, id, lineOf, reject);
  const content = {
    id,
    title,
    date: scalarText(record.date),
    importance,
    status: scalarText(record.status),
    description,
    tags: textList(record.tags),
    actors: textList(record.actors),
    citations,
  };
  const citationsGiven = Array.isArray(record.sources) ? Math.min(record.sources.length, MAX_CITATIONS_PER_EVENT) : 0;
  return { event: { ...content, file, citationsGiven, contentHash: hashOf(content) }, rejections };
}

function toCitations(
  sources: unknown,
  id: string,
  lineOf: LineOf,
  reject: (r: Omit<Rejection, 'file' | 'eventId'>) => void,
): ParsedCitation[] {
  if (sources === undefined || sources === null) return [];
  if (!Array.isArray(sources)) {
    reject({
      kind: 'invalid-field',
      field: 'sources',
      line: lineOf(['sources']),
      reason: `sources of event ${id} is not a list; kept without citations`,
    });
    return [];
  }
  if (sources.length > MAX_CITATIONS_PER_EVENT) {
    reject({
      kind: 'invalid-field',
      field: 'sources',
      line: lineOf(['sources', MAX_CITATIONS_PER_EVENT]),
      reason: `event ${id} lists ${sources.length} sources; only the first ${MAX_CITATIONS_PER_EVENT} are read`,
    });
  }
  const out: ParsedCitation[] = [];
  const firstAt = new Map<string, number>();
  sources.slice(0, MAX_CITATIONS_PER_EVENT).forEach((item, position) => {
    const fields: Record_ =
      typeof item === 'string' ? { url: item } : item && typeof item === 'object' && !Array.isArray(item) ? { ...(item as Record_) } : {};
    const field = `sources[${position}]`;
    const line = lineOf(['sources', position]);
    const rawUrl = take(fields, 'url', 'link', 'href');
    const spelled = typeof rawUrl === 'string' ? rawUrl : '';
    const normalized = normalizeUrl(spelled);
    if (!normalized.ok) {
      const label = scalarText(fields.title) ? ` ("${truncate(String(fields.title))}")` : '';
      return reject({
        kind: normalized.kind,
        field: `${field}.url`,
        line,
        reason: `citation ${position + 1}${label}: ${normalized.reason}`,
      });
    }
    const earlier = firstAt.get(normalized.url);
    if (earlier !== undefined) {
      return reject({
        kind: 'duplicate-citation',
        field,
        line,
        reason: `citation ${position + 1} cites ${spelled} again (as citation ${earlier + 1} does); the first is kept`,
      });
    }
    firstAt.set(normalized.url, position);
    const tierValue = fields.tier === undefined || fields.tier === null ? null : toInteger(fields.tier);
    const tier = tierValue === null ? null : (take(fields, 'tier'), tierValue);
    out.push({
      url: spelled,
      normalizedUrl: normalized.url,
      host: normalized.host,
      position,
      title: scalarText(take(fields, 'title', 'name')),
      outlet: scalarText(take(fields, 'outlet', 'publisher', 'publication')),
      date: scalarText(take(fields, 'date', 'date_published', 'publication_date', 'published')),
      tier,
      archiveUrl: scalarText(take(fields, 'archive_url', 'archived', 'archiveUrl')),
      extra: fields,
    });
  });
  return out;
}

/** Removes and returns the first of the keys that holds a value (null counts as no value). */
function take(fields: Record_, ...keys: string[]): unknown {
  for (const key of keys) {
    if (fields[key] !== undefined && fields[key] !== null) {
      const value = fields[key];
      delete fields[key];
      return value;
    }
  }
  for (const key of keys) if (key in fields && fields[key] === null) delete fields[key];
  return undefined;
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function textList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return items.map(scalarText).filter((s): s is string => s !== null);
}

function toInteger(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(n) ? n : null;
}

function truncate(text: string, max = 60): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** Canonical JSON (sorted keys), so key order in a file does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record_)[k]));
    return '{' + entries.join(',') + '}';
  }
  return JSON.stringify(value ?? null);
}

function hashOf(content: unknown): string {
  return sha256(canonicalJson(content)).slice(0, 32);
}
