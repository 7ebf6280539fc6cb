import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseCidr } from '../crawl/addressPolicy.js';
import { ConfigError } from '../errors.js';

/**
 * All settings, one place. Precedence: defaults, then a JSON file ($CITEWATCH_HOME/config.json or
 * --config), then CITEWATCH_* environment variables, then command-line flags. Units are in the names.
 */
const configSchema = z
  .object({
    home: z.string().min(1),
    databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
    userAgent: z.string().min(1),
    hostDelayMs: z.number().int().min(0),
    maxCrawlDelayMs: z.number().int().min(0),
    allowPrivateNetwork: z.union([z.boolean(), z.array(z.string().refine((r) => parseCidr(r) !== null, 'each entry must be a CIDR range such as 127.1.0.0/16'))]),
    connectTimeoutMs: z.number().int().positive(),
    readTimeoutMs: z.number().int().positive(),
    totalTimeoutMs: z.number().int().positive(),
    maxBodyBytes: z.number().int().positive(),
    maxInputFileBytes: z.number().int().positive(),
    maxRedirects: z.number().int().min(0).max(50),
    maxRetryAfterMs: z.number().int().min(0),
    recheckIntervalMs: z.number().int().positive(),
    browserExecutable: z.string().min(1),
    browserEnabled: z.boolean(),
    screenshots: z.boolean(),
    concurrency: z.number().int().positive(),
    vanishedAfterChecks: z.number().int().min(1),
    unreachableAfterChecks: z.number().int().min(1),
    unreachableAfterMs: z.number().int().min(0),
    reviewer: z.string().min(1),
    crawlSchedule: z.string().min(1),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

const HOUR_MS = 3_600_000;

export function defaultConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    home: path.resolve(env.CITEWATCH_HOME || './.citewatch'),
    userAgent: 'citewatch/0.1 (+https://github.com/citewatch/citewatch; checks cited sources)',
    hostDelayMs: 1000,
    /** A robots.txt Crawl-delay longer than hostDelayMs is honoured up to this. */
    maxCrawlDelayMs: 60_000,
    /** Private and loopback addresses a crawl may reach: false (none), true (all), or CIDR ranges. */
    allowPrivateNetwork: false as boolean | string[],
    connectTimeoutMs: 10_000,
    readTimeoutMs: 20_000,
    totalTimeoutMs: 45_000,
    maxBodyBytes: 15 * 1024 * 1024,
    /** A timeline file larger than this is rejected unread: events are a few KB, 10 MB of YAML is an attack. */
    maxInputFileBytes: 1024 * 1024,
    maxRedirects: 10,
    maxRetryAfterMs: 6 * HOUR_MS,
    recheckIntervalMs: 24 * HOUR_MS,
    browserExecutable: '/usr/bin/chromium',
    browserEnabled: true,
    screenshots: false,
    concurrency: 64,
    vanishedAfterChecks: 2,
    unreachableAfterChecks: 3,
    unreachableAfterMs: 72 * HOUR_MS,
    reviewer: env.USER || 'editor',
    /** When `citewatch watch` runs a pass (cron); each pass checks only the sources that are due. */
    crawlSchedule: '*/15 * * * *',
  };
}

/** Environment variable for each key: CITEWATCH_HOST_DELAY_MS for hostDelayMs, and so on. */
export function envName(key: string): string {
  if (key === 'databaseUrl') return 'DATABASE_URL';
  return 'CITEWATCH_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

function fromEnv(env: NodeJS.ProcessEnv, defaults: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...Object.keys(defaults), 'databaseUrl']) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    const kind = typeof (defaults as Record<string, unknown>)[key];
    if (key === 'allowPrivateNetwork') out[key] = parseAllowance(raw);
    else out[key] = kind === 'number' ? parseNumber(raw, envName(key)) : kind === 'boolean' ? parseBoolean(raw, envName(key)) : raw;
  }
  return out;
}

function parseNumber(raw: string, name: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  return n;
}

function parseBoolean(raw: string, name: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be 1/0 or true/false, got "${raw}"`);
}

/** CITEWATCH_ALLOW_PRIVATE_NETWORK: 1/0, or a comma-separated list of CIDR ranges (validated by the schema). */
function parseAllowance(raw: string): boolean | string[] {
  if (/^(1|true|yes|on|0|false|no|off)$/i.test(raw)) return parseBoolean(raw, envName('allowPrivateNetwork'));
  return raw.split(',').map((range) => range.trim()).filter(Boolean);
}

function fromFile(file: string, required: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`config file ${file} does not exist`);
    return {};
  }
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`config file ${file} must hold a JSON object`);
    }
    return parsed;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export type ConfigSources = {
  env?: NodeJS.ProcessEnv;
  /** An explicit --config file; otherwise $CITEWATCH_HOME/config.json if it exists. */
  configFile?: string;
  /** Values from command-line flags, already typed. */
  flags?: Partial<Config>;
};

export function loadConfig({ env = process.env, configFile, flags = {} }: ConfigSources = {}): Config {
  const defaults = defaultConfig(env);
  const home = flags.home ? path.resolve(flags.home) : defaults.home;
  const file = configFile ?? path.join(home, 'config.json');
  const merged = { ...defaults, ...fromFile(file, configFile !== undefined), ...fromEnv(env, defaults), ...dropUndefined(flags) };
  merged.home = path.resolve(String(merged.home));
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(config)');
    throw new ConfigError(`config key ${key} (env ${envName(String(issue.path[0] ?? key))}): ${issue.message}`);
  }
  return result.data;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
