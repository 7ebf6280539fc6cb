import path from 'node:path';
import { ConfigError } from '../errors.js';
import { findConfigFile, readConfigFile, type ConfigFile } from './configFile.js';
import { describeIssues, type IssuePath, type IssueSource } from './configIssues.js';
import { fromEnv } from './envValues.js';
import { CONFIG_KEYS, configSchema, envName, settings, type Config, type ConfigKey } from './settings.js';

export { envName, type Config } from './settings.js';

/** Where each value came from, so `citewatch config` can say and the demo can tell a chosen value from a default. */
export type ConfigOrigin = 'default' | 'file' | 'env' | 'flag';

export type ConfigSources = {
  env?: NodeJS.ProcessEnv;
  /** An explicit --config file; otherwise the home's citewatch.yaml (or config.json) if there is one. */
  configFile?: string;
  /** Values from command-line flags, already typed. */
  flags?: Partial<Config>;
};

export type LoadedConfig = {
  config: Config;
  origins: Record<ConfigKey, ConfigOrigin>;
  /** The file read, or null when there was none. */
  file: string | null;
};

/**
 * The one way settings are read. Precedence: defaults (src/config/settings.ts), then the file
 * ($CITEWATCH_HOME/citewatch.yaml, config.json, or --config), then CITEWATCH_* environment
 * variables, then flags; validated once, and every bad value is reported with its key (full path,
 * channels[1].url), the value, and where it was set (file and line, variable, flag).
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  return loadConfigWithOrigins(sources).config;
}

export function loadConfigWithOrigins({ env = process.env, configFile, flags = {} }: ConfigSources = {}): LoadedConfig {
  const fromEnvironment = fromEnv(env);
  // The default config file lies in the home, which only the environment or a flag can move.
  const home = path.resolve(String(flags.home ?? fromEnvironment.home ?? settings.home.parse(undefined)));
  const filePath = findConfigFile(home, configFile);
  const file: ConfigFile | null = filePath ? readConfigFile(filePath) : null;
  if (file && configFile === undefined && 'home' in file.values) {
    throw new ConfigError(`${file.path}: home cannot be set in the home's own config file; use --home or CITEWATCH_HOME`);
  }
  const layers: [ConfigOrigin, Record<string, unknown>][] = [
    ['default', env.USER ? { reviewer: env.USER } : {}],
    // `key:` with nothing after it (an uncommented line of the starter file) leaves the key unset.
    ['file', Object.fromEntries(Object.entries(file?.values ?? {}).filter(([, v]) => v !== null))],
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
    const sourceOf = (at: IssuePath): IssueSource => {
      const key = String(at[0] ?? '');
      const origin = key in origins ? origins[key as ConfigKey] : file && key in file.values ? 'file' : 'default';
      if (origin === 'file' && file) return { kind: 'file', file: file.path, line: file.lineOf(at) };
      if (origin === 'env') return { kind: 'env', variable: envName(key) };
      return { kind: origin === 'flag' ? 'flag' : 'default' };
    };
    const lines = describeIssues(result.error.issues, merged, sourceOf);
    throw new ConfigError(lines.length === 1 ? `invalid setting: ${lines[0]}` : `invalid settings:\n  ${lines.join('\n  ')}`);
  }
  return { config: { ...result.data, home: path.resolve(result.data.home) }, origins, file: file?.path ?? null };
}

/** The defaults alone (home from CITEWATCH_HOME, reviewer from USER): for tests and library callers. */
export function defaultConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = configSchema.parse({ home: env.CITEWATCH_HOME || undefined, reviewer: env.USER || undefined });
  return { ...config, home: path.resolve(config.home) };
}

function dropUndefined<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
