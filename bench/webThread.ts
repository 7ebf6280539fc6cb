/**
 * The simulated web on its own thread, for benchmarks: on the real web the servers are elsewhere,
 * and here their work would otherwise be charged to the crawler's thread (and inflate the latencies
 * it is judged by). The main thread asks it for its request log, to change round, and to close.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance as perf } from 'node:perf_hooks';
import { startSimWeb, type RequestRecord, type WebSpec } from '../src/simweb/index.js';

export type WebThread = {
  /** Every URL the web serves (its pages, by host). */
  urls(): Promise<string[]>;
  /** Requests logged since `from`, and how busy the web's thread was since the last ask (0..1). */
  log(from: number): Promise<{ log: RequestRecord[]; busy: number }>;
  setRound(n: number): Promise<void>;
  close(): Promise<void>;
};

export function startWebThread(spec: WebSpec): WebThread {
  // A worker does not inherit tsx's loader: its entry registers tsx, then loads this file.
  const entry = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), { workerData: { simweb: spec } });
  // Answers from the web's thread are untyped messages; each caller below reads the one it asked for.
  // biome-ignore lint/suspicious/noExplicitAny: structured-clone messages carry no type
  let queue = Promise.resolve<any>(undefined);
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const ask = (message: Record<string, unknown>): Promise<any> =>
    (queue = queue.then(
      () =>
        new Promise((resolve) => {
          worker.once('message', resolve);
          worker.postMessage(message);
        }),
    ));
  return {
    urls: async () => (await ask({ type: 'urls' })).urls,
    log: (from) => ask({ type: 'log', from }),
    setRound: async (n) => void (await ask({ type: 'round', n })),
    close: async () => {
      await ask({ type: 'close' });
      await worker.terminate();
    },
  };
}

async function serveWeb(spec: WebSpec): Promise<void> {
  const web = await startSimWeb(spec);
  let lastElu = perf.eventLoopUtilization();
  parentPort!.on('message', async (m: { type: string; from?: number; n?: number }) => {
    if (m.type === 'urls')
      parentPort!.postMessage({ urls: Object.keys(spec.hosts).flatMap((h) => Object.keys(spec.hosts[h].pages).map((p) => web.url(h, p))) });
    else if (m.type === 'log') {
      const now = perf.eventLoopUtilization();
      parentPort!.postMessage({ log: web.log.slice(m.from), busy: perf.eventLoopUtilization(now, lastElu).utilization });
      lastElu = now;
    } else if (m.type === 'round') parentPort!.postMessage({ round: (web.setRound(m.n!), m.n) });
    else if (m.type === 'close') parentPort!.postMessage({ closed: await web.close() });
  });
}

if (!isMainThread && (workerData as { simweb?: WebSpec })?.simweb) await serveWeb((workerData as { simweb: WebSpec }).simweb);
