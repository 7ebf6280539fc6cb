/**
 * How fast commands start and how much memory they take, as a user runs them: `citewatch` in a child
 * process, on an embedded home holding the whole real timeline. Prints the median wall time of
 * several runs and the peak RSS of each command (goals: --help/--version < 0.3 s, status < 1 s;
 * ingest, status, flags, sources < 250 MB). Run `npm run build` first to measure the compiled CLI.
 * Usage: npm run bench:startup [-- <runs>]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeMachine } from './machine.js';

const REPO = path.resolve(import.meta.dirname, '..');
const CORPUS = path.join(REPO, 'test/fixtures/kleptocracy-timeline/events');
const runs = Number(process.argv[2] ?? 5);
const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-startup-'));
const rssFile = path.join(home, 'rss');

/** One run of the CLI: wall milliseconds and the child's peak RSS in MiB (reported by bench/reportRss.cjs). */
function run(args: string[]): { ms: number; rssMiB: number } {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--require', path.join(import.meta.dirname, 'reportRss.cjs'), path.join(REPO, 'bin/citewatch.js'), ...args],
    {
      env: { ...process.env, CITEWATCH_HOME: home, CITEWATCH_BENCH_RSS_FILE: rssFile, DATABASE_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`citewatch ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { ms, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

function measure(label: string, args: string[], times: number): string {
  const results = Array.from({ length: times }, () => run(args));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  const rss = Math.max(...results.map((r) => r.rssMiB));
  return `${label.padEnd(26)} ${(median / 1000).toFixed(2).padStart(6)} s median of ${times}  (min ${(ms[0] / 1000).toFixed(2)} s)  peak RSS ${rss.toFixed(0).padStart(4)} MiB`;
}

try {
  console.log(describeMachine());
  // What bin/citewatch.js decides, asked before and after: a source saved during the run would switch it to tsx.
  const { distIsCurrent } = (await import(pathToFileURL(path.join(REPO, 'bin/distIsCurrent.js')).href)) as { distIsCurrent(): boolean };
  const ran = () => (distIsCurrent() ? 'compiled dist/' : 'the sources through tsx');
  console.log(`bin/citewatch.js runs ${ran()}; home ${home}\n`);
  console.log(measure('--version', ['--version'], runs));
  console.log(measure('--help', ['--help'], runs));
  // PGlite's initdb (a second PostgreSQL instance and a copy of its heap) costs far more than any
  // later open: measured apart, once per home.
  console.log(measure('status (creates the db)', ['status'], 1));
  console.log(measure('ingest (whole timeline)', ['ingest', CORPUS], 1));
  console.log(measure('ingest again (unchanged)', ['ingest', CORPUS], 1));
  console.log(measure('status', ['status'], runs));
  console.log(measure('flags', ['flags'], runs));
  console.log(measure('sources (5,523)', ['sources'], runs));
  console.log(measure('events (1,930)', ['events'], runs));
  console.log(`\nbin/citewatch.js ran ${ran()} at the end`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
