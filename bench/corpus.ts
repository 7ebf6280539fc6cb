/**
 * The real timeline's crawl: every cited URL of the corpus moved onto the simulated web (one
 * loopback address per real host, so the real distribution of URLs over hosts is kept: 393 on the
 * busiest), ingested, and crawled once the way `citewatch crawl` does (runPass). Prints the wall time
 * against the politeness bound of the busiest host. The browser is off: this measures the HTTP crawl
 * (script-built pages are archived as fetched, not rendered).
 * Usage: npm run bench:corpus -- [delayMs=1000] [--sample N]   (DATABASE_URL=... for PostgreSQL)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/loadConfig.js';
import { openDatabase } from '../src/db/open.js';
import { ingestPaths } from '../src/ingest/index.js';
import { simulateCorpus } from '../src/simweb/corpus.js';
import { SIMULATED_WEB_RANGE } from '../src/simweb/index.js';
import { runPass } from '../src/watch/runPass.js';
import { describeCpu, describeMachine } from './machine.js';
import { lagBeyondDelay, politenessBound } from './politeness.js';
import { startWebThread } from './webThread.js';

const args = process.argv.slice(2);
const sampleAt = args.indexOf('--sample');
const SAMPLE = sampleAt >= 0 ? Number(args[sampleAt + 1]) : undefined;
const [DELAY = 1000] = args.filter((a, i) => !a.startsWith('--') && i !== sampleAt + 1).map(Number);
const CORPUS = path.resolve(import.meta.dirname, '../test/fixtures/kleptocracy-timeline/events');

async function main(): Promise<void> {
  console.log(describeMachine());
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-corpus-'));
  const config = loadConfig({ env: { ...process.env, CITEWATCH_HOME: home }, flags: { hostDelayMs: DELAY, allowPrivateNetwork: [SIMULATED_WEB_RANGE], browserEnabled: false } });
  const corpus = await simulateCorpus({ eventsDir: CORPUS, outDir: path.join(home, 'timeline'), sample: SAMPLE, seed: 7 });
  console.log(`bench: ${corpus.files.length} timeline files, ${corpus.urlMap.size} cited URLs on ${Object.keys(corpus.spec.hosts).length} simulated hosts, host delay ${DELAY} ms, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, concurrency ${config.concurrency}`);
  const web = startWebThread(corpus.spec);
  const database = await openDatabase(config);
  try {
    let t = performance.now();
    const ingest = await ingestPaths(database.db, [path.join(home, 'timeline')], {});
    console.log(`ingest            ${ingest.events.distinct} events, ${ingest.sources.distinct} sources in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await web.log(0); // starts the web's busy clock
    t = performance.now();
    const cpuBefore = process.cpuUsage();
    const summary = await runPass({ db: database.db, config }, { all: true });
    const wall = performance.now() - t;
    const cpu = process.cpuUsage(cpuBefore);
    const { log, busy } = await web.log(0);
    const bound = politenessBound(log, DELAY);
    const lag = lagBeyondDelay(log, DELAY);
    console.log(`crawl (runPass)   ${summary.checked} sources, ${log.length} requests, outcomes ${JSON.stringify(summary.byOutcome)}`);
    console.log(`  wall time         ${(wall / 1000).toFixed(1)} s`);
    console.log(`  politeness bound  ${(bound.ms / 1000).toFixed(1)} s  (busiest host ${bound.host}: ${bound.requests} requests)`);
    console.log(`  ratio             ${(wall / bound.ms).toFixed(3)}`);
    console.log(`  lag beyond delay  ${lag.mean.toFixed(1)} ms mean, ${lag.max.toFixed(0)} ms worst`);
    console.log(`  CPU               ${describeCpu(cpu, wall, busy)}`);
    console.log(`  throughput        ${(summary.checked / (wall / 1000)).toFixed(1)} sources/s; states ${JSON.stringify(summary.stateMoves)}`);
    console.log(`  peak RSS          ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await database.close();
    await web.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
