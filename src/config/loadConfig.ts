import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { CONFIG_KEYS, configSchema, envName, settings, type Config, type ConfigKey } from './settings.js';

export { envName, type Config } from './settings.js';

/** Where each value came from, so `citewatch config` can say and the demo can tell a chosen value from a default. */
export type ConfigOrigin = 'default' | 'file' | 'env' | 'flag';

export type ConfigSources = {
  env?: NodeJS.ProcessEnv;
  /** An explicit --config file; otherwise $CITEWATCH_HOME/config.json if it exists. */
  configFile?: string;
  /** Values from command-line flags, already typed. */
  flags?: Partial<Config>;
};

/**
 * The one way settings are read. Precedence: defaults (src/config/settings.ts), then a JSON file
 * ($CITEWATCH_HOME/config.json or --config), then CITEWATCH_* environment variables, then flags;
 * validated once, and a bad value names its key and its variable.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  return loadConfigWithOrigins(sources).config;
}

export function loadConfigWithOrigins({ env = process.env, configFile, flags = {} }: ConfigSources = {}): {
  config: Config;
  origins: Record<ConfigKey, ConfigOrigin>;
} {
  const fromEnvironment = fromEnv(env);
  // The default config file lies in the home, which only the environment or a flag can move.
  const home = path.resolve(String(flags.home ?? fromEnvironment.home ?? settings.home.parse(undefined)));
  const layers: [ConfigOrigin, Record<string, unknown>][] = [
    ['default', env.USER ? { reviewer: env.USER } : {}],
    ['file', fromFile(configFile ?? path.join(home, 'config.json'), configFile !== undefined)],
    ['env', fromEnvironment],
    ['flag', dropUndefined(flags)],
  ];
  const merged: Record<string, unknown> = {};
  const origins = Object.fromEntries(CONFIG_KEYS.map((k) => [k, 'default'])) as Record<ConfigKey, ConfigOrigin>;
  for (const [origin, values] of layers) {
    for (const [key, value] of Object.entries(values)) {
      merged[key] = value;
      if (key in origins) origins[key as ConfigKey] = origin;
    }
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(config)');
    throw new ConfigError(`config key ${key} (env ${envName(String(issue.path[0] ?? key))}): ${issue.message}`);
  }
  return { config: { ...result.data, home: path.resolve(result.data.home) }, origins };
}

/** The defaults alone (home from CITEWATCH_HOME, reviewer from USER): for tests and library callers. */
export function defaultConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = configSchema.parse({ home: env.CITEWATCH_HOME || undefined, reviewer: env.USER || undefined });
  return { ...config, home: path.resolve(config.home) };
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    out[key] = parseEnvValue(key, raw);
  }
  return out;
}

/** An environment string as the key's type: numbers, booleans, and for allowPrivateNetwork 1/0 or CIDR ranges. */
function parseEnvValue(key: ConfigKey, raw: string): unknown {
  const sample = settings[key].safeParse(undefined);
  const kind = sample.success ? typeof sample.data : 'string';
  if (key === 'allowPrivateNetwork')
    return BOOLEAN.test(raw)
      ? parseBoolean(raw, envName(key))
      : raw
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
  if (kind === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ConfigError(`${envName(key)} must be a number, got "${raw}"`);
    return n;
  }
  return kind === 'boolean' ? parseBoolean(raw, envName(key)) : raw;
}

const BOOLEAN = /^(1|true|yes|on|0|false|no|off)$/i;

function parseBoolean(raw: string, name: string): boolean {
  if (!BOOLEAN.test(raw)) throw new ConfigError(`${name} must be 1/0 or true/false, got "${raw}"`);
  return /^(1|true|yes|on)$/i.test(raw);
}

function fromFile(file: string, required: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`config file ${file} does not exist`);
    return {};
  }
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ConfigError(`config file ${file} must hold a JSON object`);
    return parsed;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function dropUndefined<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
