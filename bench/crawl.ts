/**
 * Crawl throughput against politeness: N generated sources over H loopback hosts, crawled twice
 * (first pass: everything new; second pass: everything unchanged, answered 304 or identical bytes).
 * The politeness bound is what no polite crawler can beat: for the busiest host, the sum of its
 * requests' latencies plus the delay between them. A ratio near 1 means hosts really ran in parallel.
 * Usage: npm run bench:crawl -- [N=5000] [H=1000] [delayMs=1000] [--states]   (DATABASE_URL=... for PostgreSQL)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { performance as perf } from 'node:perf_hooks';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/loadConfig.js';
import { crawlSources, type CrawlSummary } from '../src/crawl/crawlSources.js';
import { chunks } from '../src/db/chunks.js';
import { openDatabase, queryRows, type Db } from '../src/db/open.js';
import { sources } from '../src/db/schema/index.js';
import { runPass } from '../src/watch/runPass.js';
import { generateArticle } from '../src/simweb/articleGen.js';
import { rngFor } from '../src/simweb/prng.js';
import type { RequestRecord, TemplateName, WebSpec } from '../src/simweb/index.js';
import { describeExtraction, resetExtractionStats } from './extraction.js';
import { describeCoresFloor, describeCpu, describeMachine } from './machine.js';
import { mainThreadCpu } from './passProfile.js';
import { lagBeyondDelay, politenessBound } from './politeness.js';
import { startWebThread, type WebThread } from './webThread.js';

const args = process.argv.slice(2);
const [N = 5000, H = 1000, DELAY = 1000] = args.filter((a) => !a.startsWith('--')).map(Number);
/** --states: run what `citewatch crawl` runs (runPass: each capture also re-derives its source's state). */
const WITH_STATES = args.includes('--states');
const TEMPLATES: TemplateName[] = ['news', 'wire', 'blog', 'gov'];

function buildSpec(): WebSpec {
  const hosts: WebSpec['hosts'] = {};
  for (let h = 0; h < H; h++) hosts[`h${h}.bench`] = { pages: {}, template: TEMPLATES[h % TEMPLATES.length] };
  for (let i = 0; i < N; i++) {
    const h = i % H;
    hosts[`h${h}.bench`].pages[`/news/story-${i}`] = {
      kind: 'article',
      template: TEMPLATES[h % TEMPLATES.length],
      article: generateArticle(rngFor(7, 'bench', i)),
    };
  }
  return { hosts, seed: 7, firstAddress: '127.20.0.1' };
}

/** Logical bytes of the archive rows (captures and snapshots) and their tables' size on disk. */
async function archiveBytes(db: Db): Promise<{ rows: number; disk: number; captures: number }> {
  const [r] = await queryRows<{ rows: string; disk: string; captures: number }>(
    db,
    sql`select (select coalesce(sum(pg_column_size(c.*)), 0) from captures c) + (select coalesce(sum(pg_column_size(s.*)), 0) from snapshots s) as rows,
      pg_total_relation_size('captures') + pg_total_relation_size('snapshots') as disk,
      (select count(*)::int from captures) as captures`,
  );
  return { rows: Number(r.rows), disk: Number(r.disk), captures: r.captures };
}

async function pass(label: string, db: Db, web: WebThread, config: ReturnType<typeof loadConfig>): Promise<void> {
  const fromSeq = (await web.log(0)).log.length; // also starts the web's busy clock
  const before = await archiveBytes(db);
  const t = performance.now();
  const t0 = performance.timeOrigin + t;
  const cpuBefore = process.cpuUsage();
  const mainCpuBefore = mainThreadCpu();
  resetExtractionStats();
  const loopBefore = perf.eventLoopUtilization();
  const summary: CrawlSummary = await (WITH_STATES ? runPass : crawlSources)({ db, config }, { all: true });
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpu = mainThreadCpu() - mainCpuBefore;
  const loop = perf.eventLoopUtilization(loopBefore);
  const answer = await web.log(fromSeq);
  const mine: RequestRecord[] = answer.log;
  const firstStart = Math.min(...mine.map((r) => r.startMs)) - t0;
  const lastEnd = t0 + wall - Math.max(...mine.map((r) => r.endMs ?? r.startMs));
  const after = await archiveBytes(db);
  const bound = politenessBound(mine, DELAY);
  const added = after.captures - before.captures;
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KiB`;
  console.log(`\n${label}: ${summary.checked} sources checked, ${mine.length} requests, outcomes ${JSON.stringify(summary.byOutcome)}`);
  console.log(`  wall time         ${(wall / 1000).toFixed(2)} s`);
  console.log(`  politeness bound  ${(bound.ms / 1000).toFixed(2)} s  (busiest host ${bound.host}: ${bound.requests} requests)`);
  console.log(
    `  ratio             ${(wall / bound.ms).toFixed(3)}   (before the first request ${(firstStart / 1000).toFixed(2)} s, after the last ${(lastEnd / 1000).toFixed(2)} s)`,
  );
  const lag = lagBeyondDelay(mine, DELAY);
  console.log(
    `  lag beyond delay  ${lag.mean.toFixed(1)} ms mean, ${lag.max.toFixed(0)} ms worst (time a host sat idle after its delay was over)`,
  );
  console.log(`  web thread busy   ${(100 * answer.busy).toFixed(0)}% of the pass (the simulated web's own event loop)`);
  console.log(`  CPU               ${describeCpu(cpu, wall, answer.busy)}`);
  console.log(`  cores' floor      ${describeCoresFloor((cpu.user + cpu.system) / 1e6, bound.ms)}`);
  console.log(
    `  main thread       its event loop ${(100 * loop.utilization).toFixed(0)} % active, ${((1000 * mainCpu) / summary.checked).toFixed(1)} ms of its CPU per page`,
  );
  console.log(`  extraction        ${describeExtraction(wall)}`);
  console.log(`  throughput        ${(summary.checked / (wall / 1000)).toFixed(1)} pages/s`);
  console.log(
    `  stored/capture    ${kb((after.rows - before.rows) / added)} of rows, ${kb((after.disk - before.disk) / added)} on disk (tables + indexes)`,
  );
  console.log(`  peak RSS so far   ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

async function main(): Promise<void> {
  console.log(describeMachine());
  console.log(
    `bench: ${N} sources on ${H} hosts, host delay ${DELAY} ms, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, ${WITH_STATES ? 'crawl + source states (runPass)' : 'crawl only'}`,
  );
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-crawl-'));
  const config = loadConfig({
    env: { ...process.env, CITEWATCH_HOME: home },
    flags: { hostDelayMs: DELAY, allowPrivateNetwork: ['127.20.0.0/16'], browserEnabled: false },
  });
  console.log(
    `crawler: concurrency ${config.concurrency}, timeouts ${config.connectTimeoutMs}/${config.readTimeoutMs}/${config.totalTimeoutMs} ms`,
  );
  const web = startWebThread(buildSpec());
  const database = await openDatabase(config);
  try {
    const urls = await web.urls();
    const rows = urls.map((url) => ({ url, host: new URL(url).host }));
    for (const chunk of chunks(rows, 1000)) await database.db.insert(sources).values(chunk);
    await pass('first pass (all new)', database.db, web, config);
    await web.setRound(1);
    // Back to back, the second pass would rightly wait out the first one's last delay on each host.
    await new Promise((r) => setTimeout(r, DELAY));
    await pass('second pass (unchanged)', database.db, web, config);
  } finally {
    await database.close();
    await web.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
