/**
 * One measured pass of bench:corpus over the simulated timeline: wall time against the politeness
 * bound of the requests it made, CPU (the crawler's threads, the simulated web's, Chromium's), where
 * the time went, which hosts ended last, what was rendered. Called for the first pass and, with
 * --recapture, for the pass after it over the same (unchanged) web.
 */
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { Config } from '../src/config/loadConfig.js';
import { passTimings, resetPassTimings } from '../src/crawl/passTimings.js';
import { describeExtraction, resetExtractionStats } from './extraction.js';
import { queryRows, type Database } from '../src/db/open.js';
import type { SimulatedCorpus } from '../src/simweb/corpus.js';
import type { PageSpec } from '../src/simweb/types.js';
import { runPass } from '../src/watch/runPass.js';
import { describeCoresFloor, describeCpu } from './machine.js';
import { mainThreadCpu, profileMainThread, watchChildrenCpu, watchMachineBusy } from './passProfile.js';
import { lagBeyondDelay, lastHosts, politenessBound } from './politeness.js';
import type { WebThread } from './webThread.js';

export type PassBench = {
  database: Database;
  config: Config;
  web: WebThread;
  corpus: SimulatedCorpus;
  /** 'script' or 'app' for a URL a script builds, else undefined. */
  kindOfUrl(url: string): string | undefined;
  delayMs: number;
  stopAfterS: number | undefined;
  total: number;
};

export const templateOf = (page: PageSpec | undefined): string | undefined =>
  page && typeof page === 'object'
    ? page.kind === 'rounds'
      ? templateOf(page.rounds[0])
      : page.kind === 'article'
        ? page.template
        : undefined
    : undefined;

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function lastCaptureId(database: Database): Promise<number> {
  const [row] = await queryRows<{ id: number | null }>(database.db, sql`select max(id) as id from captures`);
  return Number(row?.id ?? 0);
}

export async function measurePass(bench: PassBench, label: string): Promise<void> {
  const { database, config, web, corpus, kindOfUrl, delayMs, stopAfterS, total } = bench;
  resetPassTimings();
  resetExtractionStats();
  const profile = await profileMainThread();
  const chromium = watchChildrenCpu();
  const machine = watchMachineBusy();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const eluBefore = perf.eventLoopUtilization();
  const from = (await web.log(0)).log.length; // and the web's busy clock starts
  const sinceCapture = await lastCaptureId(database);
  const t = performance.now();
  const cpuBefore = process.cpuUsage();
  const mainCpuBefore = mainThreadCpu();
  // A line a minute, so a pass stopped by a timeout still says how far it came.
  let done = 0;
  const ticker = setInterval(
    () => console.log(`  … ${s(performance.now() - t)}: ${done} of ${total} sources, ${passTimings.renders} renders`),
    60_000,
  );
  const stop = new AbortController();
  const stopper = stopAfterS ? setTimeout(() => stop.abort(), stopAfterS * 1000) : undefined;
  const summary = await runPass(
    { db: database.db, storeAndSettle: database.storeAndSettle, config, signal: stop.signal, onProgress: (p) => void (done = p.done) },
    { all: true },
  ).finally(() => (clearInterval(ticker), clearTimeout(stopper)));
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(cpuBefore);
  const browserCpu = chromium.stop();
  const coresBySpan = machine.stop();
  const mainBusy = perf.eventLoopUtilization(eluBefore).utilization;
  const mainCpu = mainThreadCpu() - mainCpuBefore;
  loopDelay.disable();
  const byKind = await profile.stop();
  const { log, busy } = await web.log(from);
  const bound = politenessBound(log, delayMs);
  const lag = lagBeyondDelay(log, delayMs);
  const rows = await queryRows<{ url: string; fetcher: string; rendered: boolean; outcome: string }>(
    database.db,
    sql`select s.url, c.fetcher, c.rendered_snapshot_id is not null as rendered, c.outcome from captures c join sources s on s.id = c.source_id where c.id > ${sinceCapture}`,
  );
  const renderedPages = rows.filter((r) => r.fetcher === 'browser' || r.rendered).length;
  const pages = rows.length;
  const appRows = rows.filter((r) => kindOfUrl(r.url) === 'app');
  const appRecovered = appRows.filter((r) => r.fetcher === 'http' && !r.rendered && r.outcome === 'fetched').length;
  const processCpu = (cpu.user + cpu.system) / 1e6;
  const webCpu = (busy * wall) / 1000;
  // The profile says which code the active event loop ran; the rest of its active time was native work (or waiting for a core).
  const loopActive = (mainBusy * wall) / 1000;
  byKind.set('native (not JavaScript)', Math.max(0, loopActive - [...byKind].filter(([k]) => k !== 'idle').reduce((a, [, v]) => a + v, 0)));

  console.log(
    `crawl (runPass, ${label})   ${summary.checked} sources${summary.interrupted ? ` (stopped after ${stopAfterS} s: the bound and ratio below cover the requests made)` : ''}, ${log.length} requests, outcomes ${JSON.stringify(summary.byOutcome)}`,
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
  const spans = lastHosts(log, delayMs, perf.timeOrigin + t, Number.POSITIVE_INFINITY);
  const busiest = spans.find((h) => h.host === bound.host);
  // When the busiest host ended against when the pass did: the gap is the tail of the other hosts' work.
  if (busiest)
    console.log(
      `  busiest host      ${busiest.host} ${s(busiest.firstStartMs)}–${s(busiest.lastEndMs)}, ${busiest.meanLagMs.toFixed(0)} ms past the delay per request`,
    );
  console.log(
    `  ended last        ${spans
      .slice(0, 5)
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
    `  cores busy        ${((processCpu + browserCpu) / (wall / 1000)).toFixed(2)} of ${os.availableParallelism()} (crawler, web and Chromium); main thread ${((100 * mainCpu) / (wall / 1000)).toFixed(0)} % of a core, its event loop ${(100 * mainBusy).toFixed(0)} % active`,
  );
  console.log(`  cores' floor      ${describeCoresFloor(processCpu + browserCpu, bound.ms)}`);
  console.log(`  cores by 10 s     ${coresBySpan.map((c) => c.toFixed(2)).join(' ')} (the whole machine's, the last span shorter)`);
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
    `  time, summed over requests: politeness wait ${s(passTimings.gateWaitMs)} (${passTimings.gateWaits} turns), holding a host's turn (fetching) ${s(passTimings.gateHoldMs)}, every one of the gate's ${config.concurrency} slots taken ${s(passTimings.gateFullMs)} of the wall time, rendering ${s(passTimings.renderMs)}; after the fetch a page waited ${(passTimings.extractMs / Math.max(1, passTimings.stores)).toFixed(0)} ms for its text and ${(passTimings.storeMs / Math.max(1, passTimings.stores)).toFixed(0)} ms to be stored, on average`,
  );
  console.log(
    `  main-thread CPU   ${[...byKind]
      .filter(([k]) => k !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
  );
  console.log(`  extraction        ${describeExtraction(wall)}`);
  console.log(
    `  other threads     ${Math.max(0, processCpu - mainCpu - webCpu).toFixed(1)} s (extraction workers, GC and I/O helpers), simulated web ${webCpu.toFixed(1)} s`,
  );
  console.log(
    `  throughput        ${(summary.checked / (wall / 1000)).toFixed(1)} sources/s; states ${JSON.stringify(summary.stateMoves)}`,
  );
  // On this web every page stays readable and, on a recapture, unchanged: any other state is a false alarm, named here.
  const odd = await queryRows<{ url: string; state: string; reason: string | null; change: string | null }>(
    database.db,
    sql`select s.url, s.state, s.state_reason as reason, c.classification || ' ' || c.kinds::text || ': ' || coalesce(c.summary, '') as change
        from sources s left join changes c on c.id = s.state_change_id where s.state not in ('ok', 'pending') order by s.id limit 10`,
  );
  for (const o of odd)
    console.log(
      `  not ok            ${o.url} ${o.state}${o.reason ? ` (${o.reason})` : ''}${o.change ? `; ${o.change.slice(0, 300)}` : ''}`,
    );
  console.log(`  peak RSS          ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (Chromium not included)`);
}
