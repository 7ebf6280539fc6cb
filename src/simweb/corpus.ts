/**
 * simulateCorpus: copies a sample of real timeline files with every http(s) URL moved onto the
 * simulated web (each real host → its own loopback address), and builds the pages those URLs
 * answer with: round 0 the originals, round 1 a mix of material changes, vanishings, noise-only
 * redesigns and transient failures, for `citewatch demo` and the benchmarks.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { isTimelineFile, parseTimelineFile } from '../ingest/parseFile.js';
import {
  addPage,
  findUrls,
  pageFor,
  pickFate,
  rewriteUrls,
  scriptPlanFor,
  simulatedUrl,
  type CitedUrl,
  type CorpusFate,
} from './corpusPages.js';
import { rngFor } from './prng.js';
import { allocateAddresses, DEFAULT_FIRST_ADDRESS } from './server.js';
import type { WebSpec } from './types.js';

export type CorpusOptions = {
  eventsDir: string;
  outDir: string;
  /** How many files (a seeded sample), or which ones; default all. */
  sample?: number | ((file: string) => boolean);
  seed: number;
  /** The port the rewritten URLs name; default a port free now on the first address. */
  port?: number;
  firstAddress?: string;
  /** Build some pages with scripts, as the real web does (scriptPlanFor); off, every page is plain HTML (the demo's story). */
  scriptRendered?: boolean;
};

export type SimulatedCorpus = {
  spec: WebSpec;
  /** The files written, absolute paths. */
  files: string[];
  /** Original URL (as spelled in the files) → simulated URL. */
  urlMap: Map<string, string>;
  /** Simulated URL → what happens to it in round 1. */
  fates: Map<string, CorpusFate>;
};

export function freePort(address = DEFAULT_FIRST_ADDRESS): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function simulateCorpus(options: CorpusOptions): Promise<SimulatedCorpus> {
  const { eventsDir, outDir, seed } = options;
  const firstAddress = options.firstAddress ?? DEFAULT_FIRST_ADDRESS;
  const port = options.port ?? (await freePort(firstAddress));
  let names = (await readdir(eventsDir)).filter(isTimelineFile).sort();
  if (typeof options.sample === 'number') names = rngFor(seed, 'sample').shuffle(names).slice(0, options.sample).sort();
  else if (typeof options.sample === 'function') names = names.filter(options.sample);

  // Everything the sample says about each URL: its citations (or archive copies) and citing events.
  const texts = new Map<string, string>();
  const cited = new Map<string, CitedUrl>();
  const known = new Set<string>();
  const about = (url: string): CitedUrl => {
    let entry = cited.get(url);
    if (!entry) cited.set(url, (entry = { url, citations: [], events: [] }));
    return entry;
  };
  for (const name of names) {
    const file = path.join(eventsDir, name);
    const text = await readFile(file, 'utf8');
    texts.set(name, text);
    for (const e of parseTimelineFile(file, text).events) {
      const event = { title: e.title, description: e.description, date: e.date };
      const urls = e.citations.flatMap((c) =>
        [c.url, c.archiveUrl].filter((u): u is string => !!u && /^https?:\/\//i.test(u)).map((u) => ({ u, c })),
      );
      for (const { u } of urls) known.add(u);
      for (const { u, c } of urls) about(u).citations.push({ title: c.title, outlet: c.outlet, date: c.date });
      for (const u of new Set([...urls.map((x) => x.u), ...findUrls(e.description, known).map((x) => x.url)])) {
        const entry = about(u);
        if (!entry.events.some((x) => x.title === event.title)) entry.events.push(event); // .md and .json twins
      }
    }
  }
  for (const [name, text] of texts) {
    for (const { url } of findUrls(text, known)) {
      if (!cited.has(url)) about(url).events.push({ title: name.replace(/\.\w+$/, '').replace(/-/g, ' '), description: '', date: null });
    }
  }

  const spec: WebSpec = { seed, port, firstAddress, hosts: {} };
  const byHost = new Map<string, CitedUrl[]>();
  for (const c of cited.values()) {
    let host: string;
    try {
      host = new URL(c.url).hostname;
    } catch {
      continue;
    }
    byHost.get(host)?.push(c) ?? byHost.set(host, [c]);
  }
  const fates = new Map<string, CorpusFate>();
  const fateByOriginal = new Map<string, CorpusFate>();
  for (const [host, list] of byHost) {
    spec.hosts[host] = { pages: {}, robotsTxt: 'User-agent: *\nDisallow: /search\n' };
    const plan = options.scriptRendered ? scriptPlanFor(rngFor(seed, 'script-host', host), list.length) : null;
    for (const c of list) {
      const fate = pickFate(rngFor(seed, 'fate', c.url), list.length);
      fateByOriginal.set(c.url, fate);
      const extra = fate === 'parked' ? { parkedFromRound: 1 } : fate === 'soft-404' ? { notFound: { kind: 'soft404' as const } } : {};
      addPage(spec, host, c.url, pageFor(c, fate, seed, plan), extra);
    }
  }
  const { byHost: addresses } = allocateAddresses(spec, firstAddress);
  const urlMap = new Map<string, string>();
  for (const [url, c] of cited) {
    const address = addresses.get(new URL(c.url).hostname);
    if (!address) continue;
    const to = simulatedUrl(url, address, port);
    urlMap.set(url, to);
    fates.set(to, fateByOriginal.get(url) ?? 'unchanged');
  }

  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (const [name, text] of texts) {
    const out = path.join(outDir, name);
    await writeFile(
      out,
      rewriteUrls(text, known, (u) => urlMap.get(u)),
    );
    files.push(out);
  }
  return { spec, files, urlMap, fates };
}
