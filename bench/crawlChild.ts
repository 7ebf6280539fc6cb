/**
 * `bench:corpus -- --cli`: the pass run as `citewatch crawl --all` in a process of its own, so that
 * its peak RSS is its own (in the benchmark's process the simulated web's thread, the ingest and the
 * profiler share it) and Chromium's memory is read apart, from /proc, as the issue asks.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { descendantStats } from './passProfile.js';

const REPO = path.resolve(import.meta.dirname, '..');

export type ChildCrawl = { code: number | null; wallMs: number; crawlRssMiB: number; chromiumRssPeakMiB: number; stderr: string };

/** Runs the crawl in a child; SIGINT after `stopAfterS` (it stops cleanly, keeping what it stored). */
export async function crawlInChild(env: NodeJS.ProcessEnv, home: string, stopAfterS?: number): Promise<ChildCrawl> {
  const rssFile = path.join(home, 'crawl.rss');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--require', path.join(import.meta.dirname, 'reportRss.cjs'), path.join(REPO, 'bin/citewatch.js'), 'crawl', '--all'],
    { env: { ...env, CITEWATCH_HOME: home, CITEWATCH_BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  let chromiumPeak = 0;
  const poll = setInterval(() => (chromiumPeak = Math.max(chromiumPeak, rssBelow(child.pid!))), 500);
  const stopper = stopAfterS ? setTimeout(() => child.kill('SIGINT'), stopAfterS * 1000) : undefined;
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  clearTimeout(stopper);
  return {
    code,
    wallMs: performance.now() - started,
    crawlRssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024,
    chromiumRssPeakMiB: chromiumPeak / 1024,
    stderr,
  };
}

/** Linux's page size on this machine's architecture (x86-64): /proc counts resident memory in pages. */
const PAGE_KIB = 4;

/** The summed resident memory (KiB) of the processes below `root`: the crawl's Chromium. */
function rssBelow(root: number): number {
  return [...descendantStats(root).values()].reduce((a, f) => a + Number(f[21]) * PAGE_KIB, 0);
}
