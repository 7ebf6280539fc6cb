/**
 * WARC export throughput and memory: an embedded database (PGlite) filled with synthetic captures
 * (each source fetched, fetched unchanged, then changed: response, revisit, response), exported
 * whole and in part. Memory is sampled during each export alone: a flat peak across export sizes is
 * what "streams in constant memory" means. RSS includes the embedded database (WASM, in this
 * process); the JS heap is what the export itself holds. CPU seconds are given beside wall time:
 * on a shared machine wall time mostly measures the other processes.
 * Usage: npm run bench:warc [-- <sources>]  (default 1500 sources, i.e. 4500 captures)
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { sha256 } from '../src/sha256.js';
import { exportWarc } from '../src/archive/warc/writeWarc.js';
import { chunks } from '../src/db/chunks.js';
import { openDatabase, type Db } from '../src/db/open.js';
import { captures, snapshots, sources } from '../src/db/schema/index.js';
import { describeMachine } from './machine.js';

const SOURCES = Number(process.argv[2] ?? 1500);
const BODY_BYTES = 40_000;
const WORDS = 'the council audit found transfers minister report budget court ruling inquiry vote'.split(' ');

/** A page of about BODY_BYTES of varied text (compresses like real HTML, not like zeros). */
function page(seed: number): Buffer {
  const parts: string[] = [`<!doctype html><html><head><title>Story ${seed}</title></head><body><article>`];
  let x = seed * 2654435761;
  let size = 0;
  while (size < BODY_BYTES) {
    x = (x * 1103515245 + 12345) >>> 0;
    const word = `${WORDS[x % WORDS.length]}${x % 97} `;
    parts.push(word);
    size += word.length;
  }
  parts.push('</article></body></html>');
  return Buffer.from(parts.join(''));
}

async function fill(db: Db): Promise<void> {
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (const batch of chunks(
    Array.from({ length: SOURCES }, (_, i) => i),
    100,
  )) {
    const srcRows = await db
      .insert(sources)
      .values(batch.map((i) => ({ url: `https://site${i % 50}.example/story/${i}`, host: `site${i % 50}.example` })))
      .returning({ id: sources.id, url: sources.url });
    const bodies = batch.flatMap((i) => [page(i * 2), page(i * 2 + 1)]);
    const snapRows = await db
      .insert(snapshots)
      .values(
        bodies.map((body) => ({
          hash: sha256(body),
          contentType: 'text/html; charset=utf-8',
          size: body.length,
          body: gzipSync(body),
        })),
      )
      .returning({ id: snapshots.id, hash: snapshots.hash });
    const rows = srcRows.flatMap((s, n) =>
      [0, 1, 2].map((k) => {
        const snap = snapRows[n * 2 + (k === 2 ? 1 : 0)];
        return {
          sourceId: s.id,
          startedAt: new Date(start + k * 86_400_000 + n * 1000),
          requestedUrl: s.url,
          finalUrl: s.url,
          httpStatus: 200,
          fetcher: 'http',
          outcome: 'fetched' as const,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          responseHeaderList: [
            ['Content-Type', 'text/html; charset=utf-8'],
            ['Content-Encoding', 'gzip'],
            ['Set-Cookie', 'a=1'],
            ['Set-Cookie', 'b=2'],
          ] as [string, string][],
          request: { method: 'GET', url: s.url, httpVersion: '1.1', headers: [['User-Agent', 'citewatch-bench']] as [string, string][] },
          bodyHash: snap.hash,
          snapshotId: snap.id,
        };
      }),
    );
    // Inserted in time order, as a crawl stores them: a capture's id follows its source's earlier ones.
    rows.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    await db.insert(captures).values(rows);
  }
}

async function measure(db: Db, label: string, file: string, until?: Date): Promise<void> {
  let peak = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss);
    heapPeak = Math.max(heapPeak, now.heapUsed);
  }, 20);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = createWriteStream(file);
  const summary = await exportWarc(db, { until }, out, { filename: path.basename(file), software: 'citewatch bench', description: label });
  out.end();
  await finished(out);
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  clearInterval(sampler);
  const mib = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(
    `${label.padEnd(14)} ${String(summary.captures).padStart(5)} captures  ${Object.values(summary.records).reduce((a, b) => a + b, 0)} records  ` +
      `${mib(statSync(file).size)} MiB written  ${seconds.toFixed(1)} s  ${(summary.captures / seconds).toFixed(0)} captures/s  ` +
      `${(summary.captures / cpuSeconds).toFixed(0)} captures per CPU second (cpu ${cpuSeconds.toFixed(1)} s, database included)  ` +
      `peak during export: RSS ${mib(peak)} MiB, JS heap ${mib(heapPeak)} MiB`,
  );
}

async function main(): Promise<void> {
  console.log(describeMachine());
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-warc-'));
  const database = await openDatabase({ home });
  try {
    const t = performance.now();
    await fill(database.db);
    console.log(
      `filled ${SOURCES} sources, ${SOURCES * 3} captures, ${SOURCES * 2} bodies of ~${BODY_BYTES / 1000} kB in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
    );
    await measure(database.db, 'first day', path.join(home, 'day1.warc.gz'), new Date('2025-01-01T23:59:59Z'));
    await measure(database.db, 'everything', path.join(home, 'all.warc.gz'));
  } finally {
    await database.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
