import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { toEvent, type LineOf } from './toEvent.js';
import type { ParseResult, Rejection } from './types.js';

export type { ParsedCitation, ParsedEvent, Rejection, RejectionKind, ParseResult } from './types.js';

/** File name endings the ingest reads; anything else in a directory is skipped. */
export const TIMELINE_EXTENSIONS = ['.md', '.markdown', '.json', '.yaml', '.yml'];

export function isTimelineFile(filePath: string): boolean {
  return TIMELINE_EXTENSIONS.includes(path.extname(filePath).toLowerCase());
}

/**
 * Parses one timeline file (Markdown with YAML front matter, JSON or YAML; one event object or a
 * list of them) into plain events. Pure: never throws on bad content, refuses it in `rejections`;
 * whatever a parser throws on input nobody foresaw (an alias bomb, nesting deep enough to exhaust
 * the stack) is a rejection of this file too, never the end of the ingest.
 */
export function parseTimelineFile(filePath: string, text: string): ParseResult {
  try {
    return parseUnguarded(filePath, text);
  } catch (err) {
    return {
      events: [],
      rejections: [
        {
          kind: 'parse-error',
          file: filePath,
          reason: `cannot parse the file: ${String((err as Error)?.message ?? err)
            .split('\n')[0]
            .slice(0, 200)}`,
        },
      ],
    };
  }
}

function parseUnguarded(filePath: string, text: string): ParseResult {
  const ext = path.extname(filePath).toLowerCase();
  const fail = (reason: string, line?: number): ParseResult => ({
    events: [],
    rejections: [{ kind: 'parse-error', file: filePath, line, reason }],
  });
  text = text.replace(/^\uFEFF/, '');
  if (ext === '.md' || ext === '.markdown') {
    const split = splitFrontMatter(text);
    if (!split) return fail('no YAML front matter (the file must start with a line "---" and close it with another)', 1);
    const parsed = parseYaml(split.yaml, split.firstLine);
    if ('error' in parsed) return fail(parsed.error, parsed.line);
    if (!isPlainObject(parsed.value)) return fail('the front matter is not a mapping of fields', split.firstLine);
    return collect(filePath, [{ record: parsed.value, body: split.body, at: [] }], parsed.lineOf);
  }
  if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const at = /position (\d+)/.exec(message);
      return fail(`invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, at ? lineAt(text, Number(at[1])) : undefined);
    }
    // Lines are only needed for rejections: the YAML parser (JSON is YAML) finds them lazily.
    let lazy: LineOf | undefined;
    const lineOf: LineOf = (p) => {
      if (!lazy) {
        const parsed = parseYaml(text, 1);
        lazy = 'lineOf' in parsed ? parsed.lineOf : () => undefined;
      }
      return lazy(p);
    };
    return collectValue(filePath, value, lineOf, fail);
  }
  if (ext === '.yaml' || ext === '.yml') {
    const parsed = parseYaml(text, 1);
    if ('error' in parsed) return fail(parsed.error, parsed.line);
    return collectValue(filePath, parsed.value, parsed.lineOf, fail);
  }
  return {
    events: [],
    rejections: [{ kind: 'unreadable-file', file: filePath, reason: `not a timeline file (expected ${TIMELINE_EXTENSIONS.join(', ')})` }],
  };
}

type Item = { record: Record<string, unknown>; body: string; at: (string | number)[] };

function collectValue(file: string, value: unknown, lineOf: LineOf, fail: (reason: string, line?: number) => ParseResult): ParseResult {
  if (isPlainObject(value)) return collect(file, [{ record: value, body: '', at: [] }], lineOf);
  if (!Array.isArray(value)) return fail('not an event object or a list of event objects', 1);
  const items: Item[] = [];
  const rejections: Rejection[] = [];
  value.forEach((v, i) => {
    if (isPlainObject(v)) items.push({ record: v, body: '', at: [i] });
    else rejections.push({ kind: 'parse-error', file, line: lineOf([i]), reason: `item ${i + 1} of the list is not an event object` });
  });
  const result = collect(file, items, lineOf);
  return { events: result.events, rejections: [...rejections, ...result.rejections] };
}

function collect(file: string, items: Item[], lineOf: LineOf): ParseResult {
  const result: ParseResult = { events: [], rejections: [] };
  for (const { record, body, at } of items) {
    const { event, rejections } = toEvent(record, body, file, (p) => lineOf([...at, ...p]));
    if (event) result.events.push(event);
    result.rejections.push(...rejections);
  }
  return result;
}

type YamlParsed = { value: unknown; lineOf: LineOf } | { error: string; line?: number };

/** Parses YAML keeping node positions, so rejections can name a line of the file. */
function parseYaml(text: string, firstLine: number): YamlParsed {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  let value: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false });
    // toJS expands aliases, and refuses an alias bomb ("Excessive alias count") by throwing.
    value = doc.errors.length > 0 ? undefined : doc.toJS();
  } catch (err) {
    return { error: `invalid YAML: ${(err as Error).message}`, line: firstLine };
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = lineCounter.linePos(e.pos[0]).line + firstLine - 1;
    return { error: `invalid YAML: ${e.message.split('\n')[0]}`, line };
  }
  const lineOf: LineOf = (p) => {
    const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line + firstLine - 1 : undefined;
  };
  return { value, lineOf };
}

/** Front matter between a first line "---" and the next line "---" (or "..."). */
function splitFrontMatter(text: string): { yaml: string; body: string; firstLine: number } | undefined {
  const lines = text.split('\n');
  if (lines[0].trimEnd() !== '---') return undefined;
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (end < 0) return undefined;
  return { yaml: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n'), firstLine: 2 };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
