/**
 * Adaptive revisits against the fixed 24 h interval, on the simulated web over simulated weeks: the
 * real ingest and crawl passes, with the crawl's clock (CrawlDeps.now) advanced from one 15-minute
 * tick of `citewatch watch` to the next tick at which some source is due. Pages change, vanish (404)
 * or fail for 6 hours at seeded times; each scenario runs on its own fresh embedded database.
 * Measures source checks and HTTP requests per simulated week, and the detection delay: from the
 * moment a page changed or vanished to the check whose settling moved the source's state (and
 * opened the flag, in the same transaction).
 * Usage: npm run bench:revisits -- [--sources 200] [--per-host 10] [--weeks 3] [--seed 1] [--tick-min 15]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { formatTable } from '../src/cli/output.js';
import { loadConfig, type Config } from '../src/config/loadConfig.js';
import { openDatabase, queryRows, type Db } from '../src/db/open.js';
import { ingestPaths } from '../src/ingest/index.js';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { runPass } from '../src/watch/runPass.js';
import { describeMachine } from './machine.js';
import { buildRevisitWeb, revisitTimeline, type Page } from './revisitsWeb.js';

const { values } = parseArgs({
  options: {
    sources: { type: 'string', default: '200' },
    'per-host': { type: 'string', default: '10' },
    weeks: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'tick-min': { type: 'string', default: '15' },
  },
});
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
const weeks = Number(values.weeks);
const tickMs = Number(values['tick-min']) * 60_000;
const T0 = Date.UTC(2026, 0, 5);
const END = T0 + weeks * WEEK_MS;
const DAY_MS = 24 * HOUR_MS;

/** The baseline: every source 24 h after its last check, whatever happened (no jitter, no back-off). */
const FIXED: Partial<Config> = {
  revisitMinIntervalMs: DAY_MS,
  revisitMaxIntervalMs: DAY_MS,
  revisitConfirmMs: DAY_MS,
  revisitJitterRatio: 0,
};
const noDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`the bench web has no name ${name}`), { code: 'ENOTFOUND' });
};

type Outcome = {
  name: string;
  checks: number;
  requests: number;
  passes: number;
  wallMs: number;
  delays: Record<string, number[]>;
  missed: Record<string, number>;
  flakyFlagged: number;
};

async function scenario(name: string, overrides: Partial<Config>, web: SimWeb, pages: Page[], clock: { ms: number }): Promise<Outcome> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-revisits-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CITEWATCH_HOME: home };
  delete env.DATABASE_URL; // a fresh embedded database per scenario
  const config = loadConfig({
    env,
    flags: { allowPrivateNetwork: [SIMULATED_WEB_RANGE], hostDelayMs: 10, browserEnabled: false, ...overrides },
  });
  const database = await openDatabase(config);
  const started = performance.now();
  try {
    const dir = path.join(home, 'timeline');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const f of revisitTimeline(pages, (p) => web.url(p.host, p.path))) writeFileSync(path.join(dir, f.name), f.text);
    await ingestPaths(database.db, [dir]);
    clock.ms = T0;
    const firstRequest = web.log.length;
    let checks = 0;
    let passes = 0;
    while (clock.ms < END) {
      const summary = await runPass({ db: database.db, config, resolver: noDns, now: () => new Date(clock.ms) });
      checks += summary.checked;
      passes++;
      const next = await nextDue(database.db);
      clock.ms = Math.max(clock.ms + tickMs, Math.ceil((next ?? END) / tickMs) * tickMs);
    }
    return {
      name,
      checks,
      requests: web.log.length - firstRequest,
      passes,
      wallMs: performance.now() - started,
      ...(await detections(database.db, pages, web)),
    };
  } finally {
    await database.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function nextDue(db: Db): Promise<number | null> {
  const [row] = await queryRows<{ at: string | Date | null }>(db, sql`select min(next_check_at) as at from sources`);
  return row?.at ? new Date(row.at).getTime() : null;
}

/** For each page that changed or vanished: how long until its source's state said so. */
async function detections(db: Db, pages: Page[], web: SimWeb): Promise<Pick<Outcome, 'delays' | 'missed' | 'flakyFlagged'>> {
  const rows = await queryRows<{ url: string; state: string; at: string | Date }>(
    db,
    sql`select s.url, h.state, h.at from source_states h join sources s on s.id = h.source_id order by h.at`,
  );
  const delays: Record<string, number[]> = { changes: [], vanishes: [] };
  const missed: Record<string, number> = { changes: 0, vanishes: 0 };
  let flakyFlagged = 0;
  for (const p of pages) {
    const url = web.url(p.host, p.path);
    const states = rows.filter((r) => r.url === url);
    if (p.fate === 'flaky') flakyFlagged += states.some((r) => r.state === 'changed' || r.state === 'vanished') ? 1 : 0;
    if (p.fate !== 'changes' && p.fate !== 'vanishes') continue;
    const want = p.fate === 'changes' ? 'changed' : 'vanished';
    const hit = states.find((r) => r.state === want && new Date(r.at).getTime() >= p.eventAtMs!);
    if (hit) delays[p.fate].push(new Date(hit.at).getTime() - p.eventAtMs!);
    else missed[p.fate]++;
  }
  return { delays, missed, flakyFlagged };
}

const hours = (ms: number) => (ms / HOUR_MS).toFixed(1);
function stats(list: number[]): string {
  if (list.length === 0) return '-';
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return `${hours(at(0.5))} / ${hours(mean)} / ${hours(at(0.9))} / ${hours(sorted[sorted.length - 1])}`;
}

async function main(): Promise<void> {
  console.log(describeMachine());
  const clock = { ms: T0 };
  const { spec, pages } = buildRevisitWeb({
    pages: Number(values.sources),
    perHost: Number(values['per-host']),
    seed: Number(values.seed),
    startMs: T0,
    spanMs: (weeks - 1) * WEEK_MS, // every event leaves at least a week to be seen
    now: () => clock.ms,
  });
  const count = (fate: string) => pages.filter((p) => p.fate === fate).length;
  console.log(
    `bench: ${pages.length} sources on ${Object.keys(spec.hosts).length} hosts, ${weeks} simulated weeks, ticks of ${tickMs / 60_000} min, seed ${values.seed}; ` +
      `${count('changes')} change once, ${count('vanishes')} vanish (404), ${count('flaky')} fail for 6 h (503), ${count('stable')} stay; ` +
      `${pages.filter((p) => p.importance >= 9).length} of importance ≥ 9; PGlite`,
  );
  const web = await startSimWeb(spec, { clock: () => clock.ms });
  try {
    const results = [await scenario('fixed 24 h', FIXED, web, pages, clock), await scenario('adaptive (defaults)', {}, web, pages, clock)];
    console.log(`\ndelays in hours: median / mean / p90 / max, from the page's change to the state that flags it`);
    console.log(
      formatTable(
        [
          'policy',
          'checks/week',
          'HTTP requests/week',
          'changes seen',
          'change delay',
          'vanishes seen',
          'vanish delay',
          'flaky flagged',
          'passes',
          'wall s',
        ],
        results.map((r) => [
          r.name,
          (r.checks / weeks).toFixed(0),
          (r.requests / weeks).toFixed(0),
          `${r.delays.changes.length}/${r.delays.changes.length + r.missed.changes}`,
          stats(r.delays.changes),
          `${r.delays.vanishes.length}/${r.delays.vanishes.length + r.missed.vanishes}`,
          stats(r.delays.vanishes),
          `${r.flakyFlagged}/${count('flaky')}`,
          r.passes,
          (r.wallMs / 1000).toFixed(0),
        ]),
      ),
    );
  } finally {
    await web.close();
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

await main();
