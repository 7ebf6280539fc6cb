import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimelineFile } from '../src/ingest/parseFile.js';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { simulateCorpus, type SimulatedCorpus } from '../src/simweb/corpus.js';
import { findUrls, scriptPlanFor } from '../src/simweb/corpusPages.js';
import { rngFor } from '../src/simweb/prng.js';
import type { PageSpec } from '../src/simweb/types.js';
import { CORPUS as EVENTS } from './helpers/paths.js';

let outDir: string;
let corpus: SimulatedCorpus;
let web: SimWeb;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'simweb-corpus-'));
  corpus = await simulateCorpus({ eventsDir: EVENTS, outDir, sample: 60, seed: 5 });
  web = await startSimWeb(corpus.spec);
});
afterAll(async () => {
  await web.close();
  await rm(outDir, { recursive: true, force: true });
});

describe('simulated corpus', () => {
  it('copies the sample with every http(s) URL moved onto loopback, nothing else changed', async () => {
    expect(corpus.files).toHaveLength(60);
    for (const file of corpus.files) {
      const text = await readFile(file, 'utf8');
      const original = await readFile(path.join(EVENTS, path.basename(file)), 'utf8');
      for (const { url } of findUrls(text, new Set())) expect(url).toMatch(new RegExp(`^http://127\\.\\d+\\.\\d+\\.\\d+:${web.port}/`));
      // Undo the rewrite: the rest of the file is byte for byte the original.
      let restored = text;
      for (const [from, to] of corpus.urlMap) restored = restored.split(to).join(from);
      expect(restored).toBe(original);
    }
  });

  it('gives each real host its own address and keeps path and query', () => {
    const hostsByAddress = new Map<string, string>();
    for (const [from, to] of corpus.urlMap) {
      const real = new URL(from);
      const sim = new URL(to);
      expect(web.hostOf(to)).toBe(real.hostname);
      expect(hostsByAddress.get(sim.hostname) ?? real.hostname).toBe(real.hostname);
      hostsByAddress.set(sim.hostname, real.hostname);
      expect(sim.pathname + sim.search).toBe(real.pathname + real.search);
    }
  });

  it('answers every cited URL in round 0 with a page that repeats the citation and the claim', async () => {
    let checked = 0;
    for (const file of corpus.files.slice(0, 15)) {
      const { events } = parseTimelineFile(file, await readFile(file, 'utf8'));
      for (const event of events) {
        for (const c of event.citations) {
          const res = await fetch(c.url);
          const body = await res.text();
          expect(res.status, c.url).toBe(200);
          if (res.headers.get('content-type')?.startsWith('text/html')) {
            const plain = body
              .replace(/&amp;/g, '&')
              .replace(/&quot;/g, '"')
              .replace(/&lt;/g, '<')
              .replace(/&gt;/g, '>');
            expect(plain).toContain(event.title);
            if (c.title) expect(plain).toContain(c.title);
          } else expect(body.startsWith('%PDF-')).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('has a round 1 where pages change, vanish or fail for a while, as the fates say', async () => {
    web.setRound(1);
    const fates = new Set(corpus.fates.values());
    expect(fates.has('unchanged') && fates.has('material')).toBe(true);
    for (const [url, fate] of corpus.fates) {
      const res = await fetch(url, { redirect: 'manual' });
      const body = await res.text();
      if (fate === 'gone-404') expect(res.status).toBe(404);
      if (fate === 'redirect-root') expect(res.status).toBe(301);
      if (fate === 'transient-503') expect(res.status).toBe(503);
      if (fate === 'soft-404') expect(body).toContain('Page not found');
      if (fate === 'parked') expect(body).toContain('for sale');
      if (fate === 'unchanged' || fate === 'material' || fate === 'redesign') expect(res.status).toBe(200);
    }
    web.setRound(0);
  });

  it('plans script-built pages by host: none on the biggest hosts, some hosts wholly, some in part', () => {
    const plans = Array.from({ length: 2000 }, (_, i) => scriptPlanFor(rngFor(1, 'host', i), 10));
    const whole = plans.filter((p) => p?.share === 1).length / plans.length;
    const part = plans.filter((p) => p?.share === 0.25).length / plans.length;
    expect(whole).toBeGreaterThan(0.1);
    expect(whole).toBeLessThan(0.16);
    expect(part).toBeGreaterThan(0.12);
    expect(part).toBeLessThan(0.18);
    expect(new Set(plans.map((p) => p?.template))).toEqual(new Set([undefined, 'app', 'script']));
    expect(scriptPlanFor(rngFor(1, 'host', 0), 61)).toBeNull();
  });

  it("builds at least 8 % of the whole timeline's pages with scripts, over many hosts, only when asked", async () => {
    const templateOf = (p: PageSpec): string | undefined =>
      typeof p === 'object' && p.kind === 'rounds' && typeof p.rounds[0] === 'object' && p.rounds[0].kind === 'article'
        ? p.rounds[0].template
        : undefined;
    const count = (c: SimulatedCorpus) => {
      let pages = 0,
        scripted = 0;
      const hosts = new Set<string>();
      for (const [host, h] of Object.entries(c.spec.hosts)) {
        for (const page of new Set(Object.values(h.pages))) {
          pages++;
          if (/^(app|script)$/.test(templateOf(page) ?? '')) scripted++, hosts.add(host);
        }
      }
      return { share: scripted / pages, hosts: hosts.size };
    };
    const all = await simulateCorpus({
      eventsDir: EVENTS,
      outDir: path.join(outDir, 'all'),
      seed: 7,
      port: web.port,
      scriptRendered: true,
    });
    expect(count(all).share).toBeGreaterThanOrEqual(0.08);
    expect(count(all).hosts).toBeGreaterThan(150);
    expect(count(corpus).share).toBe(0); // the demo's web: plain HTML unless asked
  });

  it('serves inline-JSON app shells whose text is in the HTML only as data, and opaque shells without it', async () => {
    const spec = {
      hosts: {
        'app.sim': {
          pages: {
            '/next': {
              kind: 'article' as const,
              template: 'app' as const,
              article: {
                headline: 'Harbour deal',
                byline: 'G',
                published: '2024-01-01',
                paragraphs: ['The council signed the harbour contract.'],
              },
            },
            '/ld': {
              kind: 'article' as const,
              template: 'app' as const,
              skin: 'redesign' as const,
              article: {
                headline: 'Harbour deal',
                byline: 'G',
                published: '2024-01-01',
                paragraphs: ['The council signed the harbour contract.'],
              },
            },
          },
        },
      },
    };
    const small = await startSimWeb(spec);
    try {
      const next = await (await fetch(small.url('app.sim', '/next'))).text();
      const ld = await (await fetch(small.url('app.sim', '/ld'))).text();
      expect(next).toMatch(/<script id="__NEXT_DATA__" type="application\/json">.*The council signed the harbour contract/);
      expect(ld).toMatch(/<script type="application\/ld\+json">.*"articleBody":"The council signed the harbour contract/);
      for (const body of [next, ld]) expect(body.replace(/<script[\s\S]*?<\/script>/g, '')).not.toContain('harbour contract');
    } finally {
      await small.close();
    }
  });

  it('samples the same files for the same seed', async () => {
    const again = await simulateCorpus({ eventsDir: EVENTS, outDir: path.join(outDir, 'again'), sample: 60, seed: 5, port: web.port });
    expect(again.files.map((f) => path.basename(f))).toEqual(corpus.files.map((f) => path.basename(f)));
    expect([...again.urlMap]).toEqual([...corpus.urlMap]);
  });
});
