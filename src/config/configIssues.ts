import type { ZodIssue } from 'zod';
import { redactUrl } from './redactUrl.js';

export type IssuePath = (string | number)[];

/** Where a top-level key's value came from, as a reader finds it: the file (and line), the variable, the flag. */
export type IssueSource =
  | { kind: 'default' }
  | { kind: 'file'; file: string; line: number | null }
  | { kind: 'env'; variable: string }
  | { kind: 'flag' };

/** channels[1].url, as a reader of the file spells the place. */
export function formatPath(at: IssuePath): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The value at a path of the merged settings (undefined when absent). */
function valueAt(values: unknown, at: IssuePath): unknown {
  let v = values;
  for (const p of at) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** A value as it appears in a message: short, and never a secret (see isSecretKey). */
function shown(at: IssuePath, value: unknown): string {
  if (value === undefined) return 'nothing';
  const last = at[at.length - 1];
  if (typeof last === 'string' && isSecretKey(last)) return '(hidden)';
  if (at[0] === 'databaseUrl' && typeof value === 'string') value = redactUrl(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A key whose name says it holds a secret; keys naming the environment variable that holds one (…Env) are not secrets. */
export function isSecretKey(key: string): boolean {
  return /password|secret|token/i.test(key) && !/Env$/.test(key);
}

function prefix(source: IssueSource): string {
  switch (source.kind) {
    case 'file':
      return `${source.file}${source.line ? `:${source.line}` : ''}: `;
    case 'env':
      return `${source.variable}: `;
    case 'flag':
      return 'command-line flag: ';
    case 'default':
      return '';
  }
}

/**
 * One line per problem, naming where it is (file and line, variable or flag), the key by its full
 * path, what is wrong and the value found. Pure: the loader passes in how to locate a key.
 */
export function describeIssues(issues: ZodIssue[], merged: Record<string, unknown>, sourceOf: (at: IssuePath) => IssueSource): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const at = [...issue.path, key];
          return `${prefix(sourceOf(at))}${formatPath(at)}: unknown setting`;
        })
        .join('\n');
    }
    const at = issue.path;
    const value = valueAt(merged, at);
    const key = at.length > 0 ? formatPath(at) : '(settings)';
    return `${prefix(sourceOf(at))}${key}: ${issue.message} (got ${shown(at, value)})`;
  });
}
