import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createExtractPool } from '../src/archive/extractPool.js';
import { snapshotColumns } from '../src/archive/snapshotColumns.js';
import { textKeys } from '../src/extract/fingerprint.js';

const input = (url: string, html = '<p>x</p>') => ({ body: new TextEncoder().encode(html), contentType: 'text/html', url });

/** A worker that never answers for URLs containing "hang" (a hung extraction), fills its heap for "huge", and answers the rest at once. */
const hangingWorker = () =>
  new URL(
    `data:text/javascript,${encodeURIComponent(`
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', (job) => {
        if (job.url.includes('hang')) for (;;);
        const held = [];
        if (job.url.includes('huge')) for (;;) held.push(new Array(100_000).fill(1.5));
        parentPort.postMessage({ extracted: { title: job.url, text: 'ok', paragraphs: ['ok'], byline: null, published: null, signals: { wordCount: 1 } } });
      });
      parentPort.postMessage({ ready: true });`)}`,
  );

describe('the extraction pool bounds every job in time', () => {
  it('settles a hung job as extraction timeout, replaces its worker and runs the jobs queued behind it', async () => {
    const extract = createExtractPool({ size: 1, timeoutMs: 300, entry: hangingWorker });
    const started = Date.now();
    const [hung, next] = await Promise.all([extract(input('http://h/hang')), extract(input('http://h/next'))]);
    expect(hung.signals.extraction).toBe('timeout');
    expect(hung.text).toBe('');
    expect(next.title).toBe('http://h/next');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('settles a job whose worker runs out of memory as extraction out-of-memory, and extracts the next one', async () => {
    const extract = createExtractPool({ size: 1, timeoutMs: 30_000, oldGenerationMb: 32, entry: hangingWorker });
    const [huge, next] = await Promise.all([extract(input('http://h/huge')), extract(input('http://h/next'))]);
    expect(huge.signals.extraction).toBe('out-of-memory');
    expect(huge.text).toBe('');
    expect(next.title).toBe('http://h/next');
  });

  it('times out a real extraction that takes too long (50,000 links) and extracts the next page normally', async () => {
    const extract = createExtractPool({ size: 1, timeoutMs: 1_000 });
    const links = `<html><body><article>${Array.from({ length: 50_000 }, (_, i) => `<a href="/l${i}">link ${i}</a> `).join('')}</article></body></html>`;
    const slow = await extract(input('http://h/links', links));
    expect(slow.signals.extraction).toBe('timeout');
    const fine = await extract(input('http://h/fine', '<html><body><p>The council approved the budget on Tuesday.</p></body></html>'));
    expect(fine.text).toBe('The council approved the budget on Tuesday.');
    expect(fine.signals.extraction).toBeUndefined();
    // The text's keys come with it from the worker, as the archive would compute them.
    expect(fine.keys).toEqual(textKeys(fine.text));
    expect(snapshotColumns(fine)).toMatchObject(textKeys(fine.text));
  });

  it('extracts a body sent compressed, as the archive keeps it, on the worker and on the calling thread alike', async () => {
    const html = '<html><body><article><p>The council approved the budget on Tuesday.</p></article></body></html>';
    const compressed = { body: gzipSync(html), gzip: true, contentType: 'text/html', url: 'http://h/z' };
    const onWorker = await createExtractPool({ size: 1, timeoutMs: 5_000 })(compressed);
    expect(onWorker.text).toBe('The council approved the budget on Tuesday.');
    const unstartable = () => new URL('data:text/javascript,throw new Error("no worker here")');
    const inline = await createExtractPool({ size: 1, timeoutMs: 5_000, entry: unstartable })(compressed);
    expect(inline.text).toBe('The council approved the budget on Tuesday.');
  });

  it('counts the pages it extracted, the time its worker spent on them and the longest its queue grew', async () => {
    const extract = createExtractPool({ size: 1, timeoutMs: 5_000 });
    const page = '<html><body><article><p>The council approved the budget on Tuesday.</p></article></body></html>';
    // Asked before the worker is up: all three wait in the queue at first.
    await Promise.all(['a', 'b', 'c'].map((name) => extract(input(`http://h/${name}`, page))));
    expect(extract.stats.jobs).toBe(3);
    expect(extract.stats.queuedPeak).toBe(3);
    expect(extract.stats.busyMs).toBeGreaterThan(0);
  });

  it('takes waiting jobs by priority, then in order of arrival, once each worker holds its depth', async () => {
    const extract = createExtractPool({ size: 1, depth: 2, timeoutMs: 5_000, entry: hangingWorker });
    await extract(input('http://h/warm-up')); // the worker is up and idle
    const order: string[] = [];
    const job = (url: string, priority: number) => extract(input(url), priority).then((e) => void order.push(e.title));
    // The first two go to the worker at once; the others wait for it, and are then taken highest first.
    const jobs = [
      job('http://h/first', 0),
      job('http://h/second', 0),
      job('http://h/low', 1),
      job('http://h/high', 9),
      job('http://h/low-later', 1),
    ];
    await Promise.all(jobs);
    expect(order).toEqual(['http://h/first', 'http://h/second', 'http://h/high', 'http://h/low', 'http://h/low-later']);
  });

  it('sends a worker its next job before it has answered the last, and answers each job in turn', async () => {
    // A worker that answers only once it holds two jobs: with one job at a time it would never answer.
    const pairing = () =>
      new URL(
        `data:text/javascript,${encodeURIComponent(`
          import { parentPort } from 'node:worker_threads';
          const held = [];
          const answer = (job) => ({ extracted: { title: job.url, text: 'ok', paragraphs: ['ok'], byline: null, published: null, signals: { wordCount: 1 } } });
          parentPort.on('message', (job) => {
            held.push(job);
            if (held.length === 2) for (const j of held.splice(0)) parentPort.postMessage(answer(j));
          });
          parentPort.postMessage({ ready: true });`)}`,
      );
    const extract = createExtractPool({ size: 1, depth: 2, timeoutMs: 5_000, entry: pairing });
    const [a, b] = await Promise.all([extract(input('http://h/a')), extract(input('http://h/b'))]);
    expect([a.title, b.title]).toEqual(['http://h/a', 'http://h/b']);
  });
});

describe("the extraction pool and the process's life", () => {
  it('holds a process whose last work is an extraction until its answer, then lets it end', async () => {
    // Its workers are unref'd (an idle pool must not keep a command alive); before, such a process
    // ended as soon as it had asked, with exit code 13 (a top-level await never settled).
    const script = `import { extractInPool } from './src/archive/extractPool.ts';
      const r = await extractInPool({ body: new TextEncoder().encode('<p>The council approved the budget.</p>'), contentType: 'text/html', url: 'http://h/x' });
      console.log(r.text);`;
    const repo = path.resolve(import.meta.dirname, '..');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repo,
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('The council approved the budget.');
  });
});
