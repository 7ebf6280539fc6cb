import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { unwrap } from './schemaFields.js';
import { CONFIG_KEYS, envName, settings, type ConfigKey } from './settings.js';

/** How a key is written in an environment variable, read off its schema. */
type EnvKind = 'string' | 'number' | 'boolean' | 'list' | 'file-only' | 'networks';

export function envKind(key: ConfigKey): EnvKind {
  if (key === 'allowPrivateNetwork') return 'networks';
  const schema = unwrap(settings[key]).inner;
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodArray) return unwrap(schema.element).inner instanceof z.ZodString ? 'list' : 'file-only';
  if (schema instanceof z.ZodObject || schema instanceof z.ZodRecord) return 'file-only';
  return 'string';
}

/** The CITEWATCH_* variables that are set, as typed values by key. */
export function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    out[key] = parseEnvValue(key, raw);
  }
  return out;
}

const commaList = (raw: string) =>
  raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);

/** An environment string as the key's type: numbers, booleans, comma-separated lists; structures only from the file. */
function parseEnvValue(key: ConfigKey, raw: string): unknown {
  const name = envName(key);
  switch (envKind(key)) {
    case 'networks':
      return BOOLEAN.test(raw) ? parseBoolean(raw, name) : commaList(raw);
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
      return n;
    }
    case 'boolean':
      return parseBoolean(raw, name);
    case 'list':
      return commaList(raw);
    case 'file-only':
      throw new ConfigError(`${name} is not read: ${key} is a structure and can only be set in the config file (citewatch.yaml)`);
    case 'string':
      return raw;
  }
}

const BOOLEAN = /^(1|true|yes|on|0|false|no|off)$/i;

function parseBoolean(raw: string, name: string): boolean {
  if (!BOOLEAN.test(raw)) throw new ConfigError(`${name} must be 1/0 or true/false, got "${raw}"`);
  return /^(1|true|yes|on)$/i.test(raw);
}
