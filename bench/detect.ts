/**
 * Detection quality on the labelled simulated web: every label of src/simweb/labelled.ts, perLabel
 * cases each, through the real ingest and three crawl passes (round 0; switch; round 1 twice), on the
 * embedded database (or PostgreSQL with DATABASE_URL). Prints the confusion per label, precision and
 * recall for changed and vanished, false alarms on transient failures, flags on quiet pages, timings.
 * Usage: npm run bench:detect -- [--per-label 15] [--seed 1] [--host-delay-ms 50] [--burn]
 * --burn: a child process keeps every core busy for the whole run, so detection is measured on a loaded
 * machine (slow renders, slow extraction, late timers); the states must be those of a quiet run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { formatTable } from '../src/cli/output.js';
import { loadConfig } from '../src/config/loadConfig.js';
import { openDatabase, queryRows, type Db } from '../src/db/open.js';
import { evaluateLabelledWeb, type EvaluationReport } from '../src/evaluate/labelled.js';
import { GOALS, isLiving, missedGoals, type Detection } from '../src/evaluate/score.js';
import { LABELS } from '../src/simweb/index.js';
import { describeMachine } from './machine.js';

const { values } = parseArgs({
  options: {
    'per-label': { type: 'string', default: '15' },
    seed: { type: 'string', default: '1' },
    'host-delay-ms': { type: 'string', default: '50' },
    burn: { type: 'boolean', default: false },
  },
});
const perLabel = Number(values['per-label']);
const seed = Number(values.seed);
const hostDelayMs = Number(values['host-delay-ms']);
const STATES = ['ok', 'changed', 'vanished', 'unreachable', 'blocked', 'pending'];
/** The labelled web is all IP URLs: a name (a parked page's ad script) is refused, never sent to real DNS. */
const noDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`the labelled web has no name ${name}`), { code: 'ENOTFOUND' });
};

/** One child process spinning a thread per core (its main thread and workers), until killed. */
function burnCpu(): ChildProcess {
  const code = `const { Worker } = require('node:worker_threads'); const spin = 'for (;;) {}';
    for (let i = 1; i < require('node:os').availableParallelism(); i++) new Worker(spin, { eval: true });
    for (;;) {}`;
  return spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
}

function printReport(r: EvaluationReport): void {
  console.log(`\nper label (expected state → states reached; "right" = state and reason both as labelled):`);
  const rows = LABELS.map((label) => {
    const s = r.byLabel[label];
    return [label, s.expected, s.cases, ...STATES.map((st) => s.got[st] ?? 0), s.correct, s.flagged];
  });
  console.log(formatTable(['label', 'expected', 'cases', ...STATES, 'right', 'flagged'], rows));
  const rate = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  const line = (name: string, d: Detection) =>
    `${name.padEnd(9)} precision ${rate(d.precision)}  recall ${rate(d.recall)}  (tp ${d.truePositives}, fp ${d.falsePositives}, fn ${d.falseNegatives})`;
  console.log(`\n${line('changed', r.changed)}\n${line('vanished', r.vanished)}`);
  console.log(
    `reasons   ${r.reasons.correct}/${r.reasons.checked} right among cases in their expected state (${rate(r.reasons.accuracy)})`,
  );
  console.log(
    `false alarms on transient failures: ${r.transientFalseAlarms.length} of ${LABELS.filter((l) => l.startsWith('transient-')).length * perLabel}`,
  );
  console.log(`flags on unchanged or redesign-only pages: ${r.quietPageFlags.length} of ${2 * perLabel}`);
  const living = LABELS.filter(isLiving).length * perLabel;
  console.log(`living pages (${LABELS.filter(isLiving).join(', ')}) vanished or blocked: ${r.livingCalledDead.length} of ${living}`);
  if (r.misses.length > 0) {
    console.log(`\n${r.misses.length} cases not as labelled:`);
    const reason = (x: string | null | undefined) => x ?? '-';
    console.log(
      formatTable(
        ['label', 'expected', 'got', 'flagged', 'url'],
        r.misses.map((m) => [
          m.label,
          `${m.expected.state} ${reason(m.expected.reason)}`,
          `${m.got.state} ${reason(m.got.reason)}`,
          m.flagged ? 'yes' : 'no',
          m.url,
        ]),
      ),
    );
  }
  const checks = r.passes.reduce((n, p) => n + p.summary.checked, 0);
  console.log(`\npasses:`);
  for (const [i, p] of r.passes.entries()) {
    const moves =
      Object.entries(p.summary.stateMoves)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none';
    console.log(
      `  ${i + 1} (round ${p.round}): ${p.summary.checked} checked in ${(p.summary.durationMs / 1000).toFixed(1)} s, outcomes ${JSON.stringify(p.summary.byOutcome)}, state moves ${moves}, flags opened ${p.summary.flagsOpened}`,
    );
  }
  console.log(
    `wall time  ${(r.wallMs / 1000).toFixed(1)} s in all (web, ingest, three passes, scoring); crawling ${(r.crawlMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `throughput ${(checks / (r.crawlMs / 1000)).toFixed(1)} source checks/s (crawl, archive, extract, diff, state, flags); ${(r.cases / (r.wallMs / 1000)).toFixed(1)} labelled sources/s end to end`,
  );
  const missed = missedGoals(r);
  console.log(
    `\ngoals (precision and recall ≥ ${GOALS.precision} for changed and vanished, no transient false alarm, no quiet-page flag, no living page vanished or blocked): ` +
      (missed.length === 0 ? 'all met' : `MISSED: ${missed.join('; ')}`),
  );
}

/** Where the crawl time goes: attempts per fetcher, with their durations (queueing for the browser included). */
async function printCaptureTimes(db: Db): Promise<void> {
  const rows = await queryRows<{ fetcher: string; n: number; mean: number; p50: number; p95: number; max: number }>(
    db,
    sql`select fetcher, count(*)::int as n, avg(duration_ms)::int as mean,
          (percentile_cont(0.5) within group (order by duration_ms))::int as p50,
          (percentile_cont(0.95) within group (order by duration_ms))::int as p95, max(duration_ms)::int as max
        from captures group by fetcher order by fetcher`,
  );
  console.log(`
capture durations (ms):
${formatTable(
  ['fetcher', 'captures', 'mean', 'p50', 'p95', 'max'],
  rows.map((r) => [r.fetcher, r.n, r.mean, r.p50, r.p95, r.max]),
)}`);
}

async function main(): Promise<void> {
  const burner = values.burn ? burnCpu() : null;
  process.once('exit', () => burner?.kill()); // whatever way the run ends
  if (burner) await new Promise((resolve) => setTimeout(resolve, 3000)); // the load average starts to show it
  console.log(describeMachine());
  if (burner)
    console.log(`load: a CPU-burning child process (pid ${burner.pid}) holds all ${os.availableParallelism()} cores for the whole run`);
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-detect-'));
  const config = loadConfig({ env: { ...process.env, CITEWATCH_HOME: home } });
  console.log(
    `bench: ${LABELS.length} labels × ${perLabel} = ${LABELS.length * perLabel} sources, seed ${seed}, host delay ${hostDelayMs} ms, ` +
      `database ${config.databaseUrl ? 'PostgreSQL' : 'PGlite'}, timeouts ${config.connectTimeoutMs}/${config.readTimeoutMs}/${config.totalTimeoutMs} ms, ` +
      `browser ${config.browserEnabled ? config.browserExecutable : 'off'}`,
  );
  const database = await openDatabase(config);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  try {
    const report = await evaluateLabelledWeb({
      db: database.db,
      config,
      perLabel,
      seed,
      hostDelayMs,
      signal: stop.signal,
      resolver: noDns,
    });
    console.log(
      `simulated web: ${report.hosts} hosts on loopback; ingest: ${report.ingest.events.distinct} events, ${report.ingest.sources.distinct} sources`,
    );
    if (report.interrupted) console.log('INTERRUPTED: the passes did not all run; the figures below are not a result');
    printReport(report);
    await printCaptureTimes(database.db);
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    burner?.kill();
    await database.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
