import { z } from 'zod';
import { channelsSchema } from '../alerts/channelSettings.js';
import { parseCidr } from '../net/addressPolicy.js';

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;

const ms = (min = 0) => z.number().int().min(min);
const count = (min: number) => z.number().int().min(min);
const cidrList = z.array(z.string().refine((r) => parseCidr(r) !== null, 'each entry must be a CIDR range such as 127.1.0.0/16'));

/**
 * Every setting, once: its type and bounds, its default and what it does. Validation, defaults,
 * `citewatch config` and docs/configuration.md all come from this table; units are in the names.
 * Each key has an environment variable named after it (hostDelayMs → CITEWATCH_HOST_DELAY_MS).
 */
export const settings = {
  home: z
    .string()
    .min(1)
    .default('./.citewatch')
    .describe('where the embedded database, its lock and artefacts (screenshots) live; also `--home`'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .describe('a PostgreSQL server to use instead of the embedded database'),
  userAgent: z
    .string()
    .min(1)
    .default('citewatch/0.1 (+https://github.com/citewatch/citewatch; checks cited sources)')
    .describe('how the crawler names itself; also its robots.txt token'),
  hostDelayMs: ms().default(SECOND_MS).describe('least gap between two requests to one host'),
  maxCrawlDelayMs: ms()
    .default(60 * SECOND_MS)
    .describe('a robots.txt `Crawl-delay` longer than `hostDelayMs` is honoured up to this'),
  allowPrivateNetwork: z
    .union([z.boolean(), cidrList])
    .default(false)
    .describe(
      'loopback and private addresses a crawl may reach: false (none), true (all), or CIDR ranges (env: `1`, or `127.1.0.0/16,10.9.0.0/24`)',
    ),
  connectTimeoutMs: ms(1)
    .default(10 * SECOND_MS)
    .describe('longest wait for a connection'),
  readTimeoutMs: ms(1)
    .default(20 * SECOND_MS)
    .describe('longest silence while reading an answer'),
  totalTimeoutMs: ms(1)
    .default(45 * SECOND_MS)
    .describe('longest a whole request may take, redirects included'),
  maxBodyBytes: count(1)
    .default(15 * MIB)
    .describe('largest body read (after decompression); more is recorded as too large'),
  maxInputFileBytes: count(1).default(MIB).describe('a timeline file larger than this is rejected unread (events are a few KB)'),
  maxRedirects: count(0).max(50).default(10).describe('redirect hops followed per request'),
  maxRetryAfterMs: ms()
    .default(6 * HOUR_MS)
    .describe('the longest `Retry-After` honoured'),
  revisitMinIntervalMs: ms(1)
    .default(24 * HOUR_MS)
    .describe('the regular wait before a source is checked again: new, recently changed and important sources wait this long'),
  revisitMaxIntervalMs: ms(1)
    .default(7 * 24 * HOUR_MS)
    .describe('the longest wait: the ceiling that sources unchanged for a long time back off towards'),
  revisitBackoffRatio: z
    .number()
    .min(0)
    .max(10)
    .default(0.5)
    .describe(
      'how a quiet source backs off: it waits this fraction of the time it has been unchanged (0.5: unchanged for 6 days, next check in 3), within the two intervals above',
    ),
  revisitConfirmMs: ms(1)
    .default(HOUR_MS)
    .describe(
      'the wait before the check that confirms a suspected vanish, a first failure or an attempt that settled nothing; doubled per further failure up to `revisitMinIntervalMs`',
    ),
  revisitJitterRatio: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe(
      "each source's waits are stretched or shrunk by up to this fraction, fixed per source, so a host's sources do not fall due together",
    ),
  revisitImportantFrom: z
    .number()
    .int()
    .default(9)
    .describe('sources cited by an event at least this important never wait longer than `revisitMinIntervalMs`'),
  browserExecutable: z.string().min(1).default('/usr/bin/chromium').describe("the browser for script-rendered pages (Debian's Chromium)"),
  browserEnabled: z.boolean().default(true).describe('render script-only pages in the browser; off, they are recorded as not rendered'),
  renderSlots: count(0)
    .default(0)
    .describe('pages the browser renders at once; 0: six per core, at most 12, fewer when free memory is short'),
  browserSharedRenderers: z
    .boolean()
    .default(true)
    .describe(
      "let pages of different sites share the browser's renderer processes, at most one per render slot: a render then starts no process of its own (about a quarter of its CPU); false: one process per site, Chromium's site isolation (docs/crawl.md)",
    ),
  screenshots: z.boolean().default(false).describe('keep a PNG of every rendered page under `$CITEWATCH_HOME/snapshots`'),
  databaseThread: z
    .boolean()
    .default(false)
    .describe(
      "during a crawl (`crawl`, `watch`, `jobs run`), run the embedded database on a thread of its own that also stores and settles the crawl's batches: the crawl's main thread then spends half the CPU per page (4.1 against 8.1 ms), and a 200 ms pass ran 1.13 × its bound against 1.19 on a 2-core machine; off by default because the crawl's memory with it was last measured before group commit, over 1 GB (docs/benchmarks.md)",
    ),
  concurrency: count(1).default(64).describe('requests in flight across all hosts (one per host at most)'),
  vanishedAfterChecks: count(1).default(2).describe('consecutive checks that confirm a vanished page'),
  unreachableAfterChecks: count(1).default(3).describe('consecutive failed checks before a source counts as unreachable'),
  unreachableAfterMs: ms()
    .default(72 * HOUR_MS)
    .describe('how long failures must last before a source counts as unreachable'),
  reviewer: z.string().min(1).default('editor').describe('who resolves flags from this machine (default `$USER`)'),
  crawlSchedule: z
    .string()
    .min(1)
    .default('*/15 * * * *')
    .describe(
      'when `citewatch watch` runs a pass (cron), unless `jobSchedules.crawl` is set; each pass checks only the sources that are due',
    ),
  timelinePaths: z
    .array(z.string().min(1))
    .default([])
    .describe('timeline folders or files the `ingest` job re-reads (env: comma-separated)'),
  jobSchedules: z
    .record(z.string().min(1))
    .default({})
    .describe("cron expression per job name (crawl, ingest, notify, digest, retention), overriding each job's own default"),
  logFormat: z.enum(['text', 'json']).default('text').describe('how `citewatch watch` logs: readable lines, or one JSON object per line'),
  retentionKeepDays: count(0)
    .default(0)
    .describe('the retention job deletes captures older than this many days (0: keep every capture forever)'),
  retentionKeepPerSource: count(1)
    .default(20)
    .describe('captures the retention job keeps per source whatever their age (at least the 20 the state classifier reads)'),
  publicBaseUrl: z
    .string()
    .url()
    .optional()
    .describe('where `citewatch serve` is reachable by readers of alerts, for links (e.g. https://citewatch.example.org)'),
  channels: channelsSchema,
  serverHost: z.string().min(1).default('127.0.0.1').describe('address `citewatch serve` listens on'),
  serverPort: z.number().int().min(0).max(65535).default(8080).describe('port `citewatch serve` listens on'),
  readAccess: z
    .enum(['open', 'signed-in'])
    .default('signed-in')
    .describe('who may read the web app and the API: anyone who can reach it, or signed-in users and API tokens'),
  sessionTtlMs: ms(1)
    .default(7 * 24 * HOUR_MS)
    .describe('how long a sign-in lasts'),
  cookieSecure: z.boolean().default(true).describe('mark the session cookie Secure (browsers keep it on https and on localhost only)'),
};

export const configSchema = z.object(settings).strict();

export type Config = z.output<typeof configSchema>;
export type ConfigKey = keyof typeof settings;
export const CONFIG_KEYS = Object.keys(settings) as ConfigKey[];

/** Environment variable for each key: CITEWATCH_HOST_DELAY_MS for hostDelayMs, and so on. */
export function envName(key: string): string {
  if (key === 'databaseUrl') return 'DATABASE_URL';
  return 'CITEWATCH_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** What a key does, as written beside it above. */
export function describeKey(key: ConfigKey): string {
  return settings[key].description ?? '';
}
