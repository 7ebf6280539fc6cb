/**
 * The real timeline's crawl: every cited URL of the corpus moved onto the simulated web (one
 * loopback address per real host, so the real distribution of URLs over hosts is kept: 393 on the
 * busiest), some pages built by scripts as on the real web (scriptPlanFor: about 8.5 %, some hosts
 * wholly), ingested, and crawled once the way `citewatch crawl` does (runPass), browser included.
 * Prints the wall time against the politeness bound of the busiest host, CPU per page (the crawler's
 * process, and Chromium's per rendered page), and where the time went.
 * Usage: npm run bench:corpus -- [--delay ms=1000] [--sample N] [--no-browser] [--stop-after s] [--cli]   (DATABASE_URL=... for PostgreSQL)
 * --cli runs the pass as `citewatch crawl --all` in a child process (npm run build first) for the crawl's own memory (bench/crawlChild.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/loadConfig.js';
import { passTimings, resetPassTimings } from '../src/crawl/passTimings.js';
import { openDatabase, queryRows } from '../src/db/open.js';
import { ingestPaths } from '../src/ingest/index.js';
import { simulateCorpus } from '../src/simweb/corpus.js';
import { SIMULATED_WEB_RANGE } from '../src/simweb/index.js';
import { allocateAddresses } from '../src/simweb/server.js';
import type { PageSpec } from '../src/simweb/types.js';
import { runPass } from '../src/watch/runPass.js';
import { describeCpu, describeMachine } from './machine.js';
import { profileMainThread, watchChildrenCpu } from './passProfile.js';
import { lagBeyondDelay, lastHosts, politenessBound } from './politeness.js';
import { crawlInChild } from './crawlChild.js';
import { startWebThread } from './webThread.js';

const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const SAMPLE = flag('--sample') ? Number(flag('--sample')) : undefined;
const DELAY = Number(flag('--delay') ?? args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 1000);
const BROWSER = !args.includes('--no-browser');
/** Stops the pass after this many seconds (the figures then cover the part done, and say so). */
const STOP_AFTER_S = flag('--stop-after') ? Number(flag('--stop-after')) : undefined;
const IN_CHILD = args.includes('--cli');
const CORPUS = path.resolve(import.meta.dirname, '../test/fixtures/kleptocracy-timeline/events');

const templateOf = (page: PageSpec | undefined): string | undefined =>
  page && typeof page === 'object'
    ? page.kind === 'rounds'
      ? templateOf(page.rounds[0])
      : page.kind === 'article'
        ? page.template
        : undefined
    : undefined;
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
    `bench: ${corpus.files.length} timeline files, ${corpus.urlMap.size} cited URLs on ${Object.keys(corpus.spec.hosts).length} simulated hosts, host delay ${DELAY} ms, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, concurrency ${config.concurrency}, browser ${BROWSER ? 'on' : 'off'}`,
  );
  console.log(
    `script-built     ${kindOf.size} URLs (${((100 * kindOf.size) / corpus.urlMap.size).toFixed(1)} %) on ${scriptHosts.size} hosts; ${[...kindOf.values()].filter((k) => k === 'app').length} of them carry their text as inline JSON`,
  );
  const web = startWebThread(corpus.spec);
  const database = await openDatabase(config);
  try {
    let t = performance.now();
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
    resetPassTimings();
    const profile = await profileMainThread();
    const chromium = watchChildrenCpu();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const eluBefore = perf.eventLoopUtilization();
    t = performance.now();
    const cpuBefore = process.cpuUsage();
    // A line a minute, so a pass stopped by a timeout still says how far it came.
    let done = 0;
    const ticker = setInterval(
      () => console.log(`  … ${s(performance.now() - t)}: ${done} of ${ingest.sources.distinct} sources, ${passTimings.renders} renders`),
      60_000,
    );
    const stop = new AbortController();
    const stopper = STOP_AFTER_S ? setTimeout(() => stop.abort(), STOP_AFTER_S * 1000) : undefined;
    const summary = await runPass(
      { db: database.db, config, signal: stop.signal, onProgress: (p) => void (done = p.done) },
      { all: true },
    ).finally(() => (clearInterval(ticker), clearTimeout(stopper)));
    const wall = performance.now() - t;
    const cpu = process.cpuUsage(cpuBefore);
    const browserCpu = chromium.stop();
    const mainBusy = perf.eventLoopUtilization(eluBefore).utilization;
    loopDelay.disable();
    const byKind = await profile.stop();
    const { log, busy } = await web.log(0);
    const bound = politenessBound(log, DELAY);
    const lag = lagBeyondDelay(log, DELAY);
    const rows = await queryRows<{ url: string; fetcher: string; rendered: boolean; outcome: string }>(
      database.db,
      sql`select s.url, c.fetcher, c.rendered_snapshot_id is not null as rendered, c.outcome from captures c join sources s on s.id = c.source_id`,
    );
    const renderedPages = rows.filter((r) => r.fetcher === 'browser' || r.rendered).length;
    const pages = rows.length;
    const appRows = rows.filter((r) => kindOfUrl(r.url) === 'app');
    const appRecovered = appRows.filter((r) => r.fetcher === 'http' && !r.rendered && r.outcome === 'fetched').length;
    const processCpu = (cpu.user + cpu.system) / 1e6;
    const webCpu = (busy * wall) / 1000;
    // The main thread's busy time is its event loop's; the profile says which code it ran, the rest is native work.
    const mainCpu = (mainBusy * wall) / 1000;
    byKind.set('native (not JavaScript)', Math.max(0, mainCpu - [...byKind].filter(([k]) => k !== 'idle').reduce((a, [, v]) => a + v, 0)));

    console.log(
      `crawl (runPass)   ${summary.checked} sources${summary.interrupted ? ` (stopped after ${STOP_AFTER_S} s: the bound and ratio below cover the requests made)` : ''}, ${log.length} requests, outcomes ${JSON.stringify(summary.byOutcome)}`,
    );
    console.log(`  wall time         ${s(wall)}`);
    console.log(`  politeness bound  ${s(bound.ms)}  (busiest host ${bound.host}: ${bound.requests} requests)`);
    console.log(`  ratio             ${(wall / bound.ms).toFixed(3)}`);
    console.log(`  lag beyond delay  ${lag.mean.toFixed(1)} ms mean, ${lag.max.toFixed(0)} ms worst`);
    const ms = (ns: number) => `${(ns / 1e6).toFixed(0)} ms`;
    console.log(
      `  event-loop delay  median ${ms(loopDelay.percentile(50))}, p99 ${ms(loopDelay.percentile(99))}, worst ${ms(loopDelay.max)} (how late a timer or socket read ran)`,
    );
    const kindsOn = (host: string) => {
      const pages = new Set(Object.values(corpus.spec.hosts[host]?.pages ?? {}));
      const script = [...pages].filter((p) => ['script', 'app'].includes(templateOf(p) ?? '')).length;
      return `${pages.size} pages, ${script} script-built`;
    };
    console.log(
      `  ended last        ${lastHosts(log, DELAY, perf.timeOrigin + t, 5)
        .map(
          (h) =>
            `${h.host} (${h.requests} requests, ${kindsOn(h.host)}) ${s(h.firstStartMs)}–${s(h.lastEndMs)}, its own bound ${s(h.ownBoundMs)}, ${h.meanLagMs.toFixed(0)} ms past the delay per request`,
        )
        .join('; ')}`,
    );
    console.log(
      `  CPU               ${describeCpu(cpu, wall, busy)}; Chromium ${browserCpu.toFixed(1)} s more (peak ${chromium.peak()} processes)`,
    );
    console.log(
      `  cores busy        ${((processCpu + browserCpu) / (wall / 1000)).toFixed(2)} of ${os.availableParallelism()} (crawler, web and Chromium); main thread ${(100 * mainBusy).toFixed(0)} % busy`,
    );
    console.log(
      `  CPU per page      crawler process ${((1000 * (processCpu - webCpu)) / pages).toFixed(1)} ms (main thread ${((1000 * mainCpu) / pages).toFixed(1)} ms) over ${pages} pages; Chromium ${renderedPages ? ((1000 * browserCpu) / renderedPages).toFixed(0) : '-'} ms per rendered page (${renderedPages})`,
    );
    console.log(
      `  renders           ${passTimings.renders} in ${s(passTimings.renderMs)} (mean ${(passTimings.renderMs / Math.max(1, passTimings.renders)).toFixed(0)} ms), up to ${passTimings.rendersAtOncePeak} at once of ${passTimings.renderSlots} slots, ${passTimings.lanesOpened} pages opened (the rest reused); browser relaunches ${passTimings.launches.length}${passTimings.launches.map((l) => ` (${l.reason})`).join('')}`,
    );
    console.log(`  inline JSON       ${appRecovered} of ${appRows.length} inline-JSON pages read without a browser`);
    const renderedRows = rows.filter((r) => r.fetcher === 'browser' || r.rendered);
    const needless = renderedRows.filter((r) => kindOfUrl(r.url) !== 'script');
    console.log(
      `  rendered pages    ${renderedRows.length - needless.length} of ${rows.filter((r) => kindOfUrl(r.url) === 'script').length} opaque script pages; ${needless.length} others, client-side redirects and shell-looking pages (${needless.filter((r) => r.fetcher === 'browser').length} of them sent to the browser first)`,
    );
    console.log(
      `  time, summed over requests: politeness wait ${s(passTimings.gateWaitMs)} (${passTimings.gateWaits} turns), holding a host's turn (fetching) ${s(passTimings.gateHoldMs)}, every one of the gate's ${config.concurrency} slots taken ${s(passTimings.gateFullMs)} of the wall time, rendering ${s(passTimings.renderMs)}`,
    );
    console.log(
      `  main-thread CPU   ${[...byKind]
        .filter(([k]) => k !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')}`,
    );
    console.log(
      `  other threads     ${Math.max(0, processCpu - mainCpu - webCpu).toFixed(1)} s (extraction workers, GC and I/O helpers), simulated web ${webCpu.toFixed(1)} s`,
    );
    console.log(
      `  throughput        ${(summary.checked / (wall / 1000)).toFixed(1)} sources/s; states ${JSON.stringify(summary.stateMoves)}`,
    );
    console.log(`  peak RSS          ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (Chromium not included)`);
  } finally {
    if (!IN_CHILD) await database.close();
    await web.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
