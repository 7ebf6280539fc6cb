import path from 'node:path';
import type { Config } from '../config/loadConfig.js';
import { openDatabase } from '../db/open.js';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { listFlags, type FlagView } from '../flags/listFlags.js';
import { ingestPaths, type IngestReport } from '../ingest/index.js';
import { simulateCorpus } from '../simweb/corpus.js';
import { SIMULATED_WEB_RANGE, startSimWeb } from '../simweb/index.js';
import { runPass, type PassSummary } from '../watch/runPass.js';
import type { Db } from '../db/open.js';

export type DemoOptions = {
  /** A timeline directory to sample (default: the sample bundled in src/demo/timeline). */
  corpusDir: string;
  /** How many of its files; all when undefined. */
  sample?: number;
  seed: number;
  /** The gap between two requests to one simulated host (real crawls default to 1000 ms). */
  hostDelayMs: number;
};

export type DemoReport = {
  home: string;
  files: number;
  hosts: number;
  urls: number;
  ingest: IngestReport;
  passes: { round: number; summary: PassSummary }[];
  flags: FlagView[];
};

export const BUNDLED_TIMELINE = path.join(PACKAGE_ROOT, 'src/demo/timeline');

/**
 * The whole pipeline offline: real timeline files rewritten onto the simulated web on loopback,
 * ingested, crawled (round 0), the web switched to its changed round, crawled twice more (a
 * vanished page needs two consecutive confirmations), and the resulting flags returned.
 * `show` receives the open database before it closes, to print a diff.
 */
export async function runDemo(
  deps: { config: Config; signal: AbortSignal; say(line: string): void },
  options: DemoOptions,
  show?: (db: Db, report: DemoReport) => Promise<void>,
): Promise<DemoReport> {
  const { say, signal } = deps;
  // The simulated web lives on 127.x.y.z, which a real crawl refuses: allowed for this run only.
  const config: Config = { ...deps.config, allowPrivateNetwork: [SIMULATED_WEB_RANGE], hostDelayMs: options.hostDelayMs };
  const outDir = path.join(config.home, 'timeline');
  const corpus = await simulateCorpus({ eventsDir: options.corpusDir, outDir, sample: options.sample, seed: options.seed });
  const web = await startSimWeb(corpus.spec);
  const database = await openDatabase(config);
  try {
    say(`simulated web: ${web.hosts.length} hosts on loopback (127.1.0.1 and up, port ${web.port}), ${corpus.urlMap.size} cited URLs`);
    const ingest = await ingestPaths(database.db, [outDir], { signal });
    say(
      `ingested ${corpus.files.length} timeline files: ${ingest.events.distinct} events, ${ingest.sources.distinct} sources, ${ingest.rejections.length} rejections`,
    );
    const passes: DemoReport['passes'] = [];
    const crawl = async (label: string) => {
      if (signal.aborted) return;
      const summary = await runPass({ db: database.db, config, signal }, { all: true });
      passes.push({ round: web.round, summary });
      const moves =
        Object.entries(summary.stateMoves)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ') || 'none';
      say(
        `${label}: ${summary.checked} checked in ${(summary.durationMs / 1000).toFixed(1)} s; state moves: ${moves}; flags opened: ${summary.flagsOpened}`,
      );
    };
    await crawl('crawl 1 (round 0, the pages as first cited)');
    web.setRound(1);
    say(
      'the simulated web moves to round 1: some pages are edited, some vanish, some only change their noise or design, some fail for a while',
    );
    await crawl('crawl 2 (round 1)');
    await crawl('crawl 3 (round 1, confirming)');
    const flags = await listFlags(database.db);
    const report: DemoReport = {
      home: config.home,
      files: corpus.files.length,
      hosts: web.hosts.length,
      urls: corpus.urlMap.size,
      ingest,
      passes,
      flags,
    };
    await show?.(database.db, report);
    return report;
  } finally {
    await database.close();
    await web.close();
  }
}
