import { formatPath, isSecretKey, type IssuePath } from './configIssues.js';
import { envKind } from './envValues.js';
import type { ConfigOrigin } from './loadConfig.js';
import { CONFIG_KEYS, envName, type Config, type ConfigKey } from './settings.js';
import { redactUrl } from './redactUrl.js';

const HIDDEN = '(hidden)';

/** A webhook URL often carries its token in the path (Slack's do): only its origin is shown. */
function withoutPath(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && !u.search ? u.origin : `${u.origin}/…`;
  } catch {
    return HIDDEN;
  }
}

/**
 * A setting's value as it may be printed: the database password redacted, values of keys named like a password, secret or token
 * hidden, and URLs inside channels cut to their origin. Keys naming an environment variable are shown.
 */
export function printableValue(value: unknown, at: IssuePath): unknown {
  const last = at[at.length - 1];
  if (typeof last === 'string' && isSecretKey(last)) return HIDDEN;
  if (typeof value === 'string') {
    if (at[0] === 'databaseUrl') return redactUrl(value);
    if (at.length > 1 && last === 'url') return withoutPath(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => printableValue(v, [...at, i]));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableValue(v, [...at, k])]));
  return value;
}

export type SettingRow = { key: string; value: string; from: ConfigOrigin; env: string };

/** A structure's leaves, each with its full path: channels[0].filters.states. */
function leaves(value: unknown, at: IssuePath): [IssuePath, unknown][] {
  const isScalarList = Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');
  if (value === null || typeof value !== 'object' || isScalarList) return [[at, value]];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  if (entries.length === 0) return [[at, value]];
  return entries.flatMap(([k, v]) => leaves(v, [...at, k]));
}

/** The effective configuration as table rows, structures flattened to one row per field. Pure. */
export function settingRows(config: Config, origins: Record<ConfigKey, ConfigOrigin>): SettingRow[] {
  return CONFIG_KEYS.flatMap((key) => {
    const env = envKind(key) === 'file-only' ? '(file only)' : envName(key);
    return leaves(printableValue(config[key], [key]), [key]).map(([at, value]) => ({
      key: formatPath(at),
      value: value === undefined ? '—' : JSON.stringify(value),
      from: origins[key],
      env,
    }));
  });
}
