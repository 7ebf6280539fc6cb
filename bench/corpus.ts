/**
 * The real timeline's crawl: every cited URL of the corpus moved onto the simulated web (one
 * loopback address per real host, so the real distribution of URLs over hosts is kept: 393 on the
 * busiest), some pages built by scripts as on the real web (scriptPlanFor: about 8.5 %, some hosts
 * wholly), ingested, and crawled once the way `citewatch crawl` does (runPass), browser included.
 * Prints the wall time against the politeness bound of the busiest host, CPU per page (the crawler's
 * process, and Chromium's per rendered page), and where the time went.
 * Usage: npm run bench:corpus -- [--delay ms=1000] [--sample N] [--no-browser] [--stop-after s] [--recapture] [--cli]   (DATABASE_URL=... for PostgreSQL)
 * --recapture measures a second pass over the same web after the first (fresh tokens and timestamps, the same stories).
 * --cli runs the pass as `citewatch crawl --all` in a child process (npm run build first) for the crawl's own memory (bench/crawlChild.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/loadConfig.js';
import { openDatabase } from '../src/db/open.js';
import { ingestPaths } from '../src/ingest/index.js';
import { simulateCorpus } from '../src/simweb/corpus.js';
import { SIMULATED_WEB_RANGE } from '../src/simweb/index.js';
import { allocateAddresses } from '../src/simweb/server.js';
import { describeMachine } from './machine.js';
import { politenessBound } from './politeness.js';
import { crawlInChild } from './crawlChild.js';
import { measurePass, templateOf } from './corpusPass.js';
import { startWebThread } from './webThread.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const SAMPLE = flag('--sample') ? Number(flag('--sample')) : undefined;
const DELAY = Number(flag('--delay') ?? args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 1000);
const BROWSER = !args.includes('--no-browser');
/** Stops the pass after this many seconds (the figures then cover the part done, and say so). */
const STOP_AFTER_S = flag('--stop-after') ? Number(flag('--stop-after')) : undefined;
const IN_CHILD = args.includes('--cli');
const RECAPTURE = args.includes('--recapture');
const CORPUS = path.resolve(import.meta.dirname, '../test/fixtures/kleptocracy-timeline/events');

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  console.log(describeMachine());
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-corpus-'));
  const config = loadConfig({
    env: { ...process.env, CITEWATCH_HOME: home },
    flags: { hostDelayMs: DELAY, allowPrivateNetwork: [SIMULATED_WEB_RANGE], browserEnabled: BROWSER },
  });
  const corpus = await simulateCorpus({
    eventsDir: CORPUS,
    outDir: path.join(home, 'timeline'),
    sample: SAMPLE,
    seed: 7,
    scriptRendered: true,
  });
  // Which simulated URLs a script builds, and how: 'app' carries its text as inline JSON, 'script' does not.
  const hostAt = new Map([...allocateAddresses(corpus.spec, corpus.spec.firstAddress!).byHost].map(([h, a]) => [a, h]));
  const kindOfUrl = (url: string): string | undefined => {
    const u = new URL(url);
    const pages = corpus.spec.hosts[hostAt.get(u.hostname) ?? '']?.pages ?? {};
    const t = templateOf(pages[u.pathname + u.search] ?? pages[u.pathname]);
    return t === 'app' || t === 'script' ? t : undefined;
  };
  const kindOf = new Map([...corpus.urlMap.values()].flatMap((u) => (kindOfUrl(u) ? [[u, kindOfUrl(u)!] as const] : [])));
  const scriptHosts = new Set([...kindOf.keys()].map((u) => new URL(u).hostname));
  console.log(
    `bench: ${corpus.files.length} timeline files, ${corpus.urlMap.size} cited URLs on ${Object.keys(corpus.spec.hosts).length} simulated hosts, host delay ${DELAY} ms, database ${process.env.DATABASE_URL ? 'PostgreSQL' : config.databaseThread ? 'PGlite on its own thread' : 'PGlite'}, concurrency ${config.concurrency}, browser ${BROWSER ? 'on' : 'off'}`,
  );
  console.log(
    `script-built     ${kindOf.size} URLs (${((100 * kindOf.size) / corpus.urlMap.size).toFixed(1)} %) on ${scriptHosts.size} hosts; ${[...kindOf.values()].filter((k) => k === 'app').length} of them carry their text as inline JSON`,
  );
  const web = startWebThread(corpus.spec);
  const database = await openDatabase(config, { thread: config.databaseThread });
  try {
    const t = performance.now();
    const ingest = await ingestPaths(database.db, [path.join(home, 'timeline')], {});
    console.log(`ingest            ${ingest.events.distinct} events, ${ingest.sources.distinct} sources in ${s(performance.now() - t)}`);
    await web.log(0); // starts the web's busy clock
    if (IN_CHILD) {
      await database.close(); // the embedded database belongs to one process: the child's now
      const env = {
        ...process.env,
        CITEWATCH_HOST_DELAY_MS: String(DELAY),
        CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE,
        CITEWATCH_BROWSER_ENABLED: String(BROWSER),
      };
      const run = await crawlInChild(env, home, STOP_AFTER_S);
      if (run.code !== 0 && run.code !== 130) throw new Error(`citewatch crawl exited ${run.code}: ${run.stderr}`);
      const { log } = await web.log(0);
      const bound = politenessBound(log, DELAY);
      console.log(
        `crawl (citewatch crawl --all in its own process)   ${log.length} requests${run.code === 130 ? ` (stopped after ${STOP_AFTER_S} s)` : ''}`,
      );
      console.log(`  wall time         ${s(run.wallMs)} (start-up and migration check included)`);
      console.log(
        `  politeness bound  ${s(bound.ms)}  (busiest host ${bound.host}: ${bound.requests} requests); ratio ${(run.wallMs / bound.ms).toFixed(3)}`,
      );
      console.log(
        `  peak RSS          crawl process ${run.crawlRssMiB.toFixed(0)} MiB; Chromium's processes ${run.chromiumRssPeakMiB.toFixed(0)} MiB at most, summed`,
      );
      return;
    }
    const pass = { database, config, web, corpus, kindOfUrl, delayMs: DELAY, stopAfterS: STOP_AFTER_S, total: ingest.sources.distinct };
    await measurePass(pass, 'first pass');
    // The same web again (round 0: the same stories, fresh tokens and timestamps): what most passes are.
    if (RECAPTURE) await measurePass(pass, 'recapture, the web unchanged');
  } finally {
    if (!IN_CHILD) await database.close();
    await web.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
