/**
 * Ingest throughput on the real corpus: a first run into an empty embedded database (PGlite), then a
 * second, unchanged run; plus the pure parse alone, to show where the time goes.
 * Usage: npm run bench:ingest [-- <path>...]  (default: the real corpus)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/open.js';
import { ingestPaths, type IngestReport } from '../src/ingest/index.js';
import { parseTimelineFile } from '../src/ingest/parseFile.js';
import { listInputs } from '../src/ingest/readTree.js';
import { describeMachine } from './machine.js';

const paths = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [path.resolve(import.meta.dirname, '../test/fixtures/kleptocracy-timeline/events')];

/** CPU seconds beside wall seconds: on a shared machine the CPU a run took moves far less than its wall time. */
function line(label: string, ms: number, files: number, events: number, cpu: NodeJS.CpuUsage): string {
  const s = ms / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return `${label.padEnd(22)} ${s.toFixed(2).padStart(6)} s  ${Math.round(files / s)
    .toString()
    .padStart(6)} files/s  ${Math.round(events / s)
    .toString()
    .padStart(6)} events/s  cpu ${cpuS.toFixed(2)} s`;
}

async function main(): Promise<void> {
  console.log(describeMachine());
  console.log(`input: ${paths.join(', ')}\n`);

  const { files } = listInputs(paths);
  const texts = files.map((f) => [f, readFileSync(f, 'utf8')] as const);
  let t = performance.now();
  let cpu = process.cpuUsage();
  let parsedEvents = 0;
  for (const [file, text] of texts) parsedEvents += parseTimelineFile(file, text).events.length;
  const parseMs = performance.now() - t;
  const parseCpu = process.cpuUsage(cpu);

  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-'));
  const database = await openDatabase({ home });
  try {
    const runs: [string, IngestReport, number, NodeJS.CpuUsage][] = [];
    for (const label of ['first run (empty db)', 'second run (no change)']) {
      t = performance.now();
      cpu = process.cpuUsage();
      const report = await ingestPaths(database.db, paths);
      runs.push([label, report, performance.now() - t, process.cpuUsage(cpu)]);
    }
    console.log(line('parse only (pure)', parseMs, files.length, parsedEvents, parseCpu));
    for (const [label, r, ms, used] of runs) console.log(line(label, ms, r.files.read, r.events.distinct, used));
    const [, a] = runs[0];
    const [, b] = runs[1];
    console.log(
      `\nfirst run: ${a.events.added} events added, ${a.citations.stored} citations, ${a.sources.added} sources, ${a.rejections.length} rejections`,
    );
    console.log(`second run: ${b.events.unchanged} unchanged, changed=${b.changed}`);
    console.log(
      `second/first time ratio: ${(runs[1][2] / runs[0][2]).toFixed(2)}; parse share of first run: ${((parseMs / runs[0][2]) * 100).toFixed(0)}%`,
    );
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (creating the database included)`);
  } finally {
    await database.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
