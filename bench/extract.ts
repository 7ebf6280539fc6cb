/**
 * Extraction and classification throughput on the fixture sites and the labelled simulated web,
 * and what the chrome rules add to Readability (noise/material accuracy with and without them).
 * Run: npx tsx bench/extract.ts
 */
import { classifyChange } from '../src/diff/classifyChange.js';
import { extractContent, type Extracted } from '../src/extract/index.js';
import { startSimWeb } from '../src/simweb/index.js';
import { buildLabelledWeb, MATERIAL_KINDS as MATERIAL } from '../src/simweb/labelled.js';
import { ARTICLES } from '../test/fixtures/pages/articles.js';
import { EDITS } from '../test/fixtures/pages/edits.js';
import { makePdf } from '../test/fixtures/pages/makePdf.js';
import { SKINS, type Page } from '../test/fixtures/pages/skins.js';
import { describeMachine } from './machine.js';

type Pair = { before: Page; after: Page; material: boolean; kind?: string; where: string };

function fixturePairs(): Pair[] {
  const pairs: Pair[] = [];
  for (const [site, skin] of Object.entries(SKINS)) {
    const before = skin(ARTICLES[site], { seed: 1 });
    for (const v of [{ seed: 2 }, { seed: 3 }, { seed: 4, redesign: true }])
      pairs.push({ before, after: skin(ARTICLES[site], v), material: false, where: `fixture ${site}` });
    for (const e of EDITS)
      pairs.push({ before, after: skin(e.apply(ARTICLES[site]), { seed: 9 }), material: true, kind: e.kind, where: `fixture ${site}` });
  }
  return pairs;
}

async function simwebPairs(): Promise<Pair[]> {
  const { spec, cases } = buildLabelledWeb({ perLabel: 14, seed: 7 });
  const relevant = cases.filter((c) => !c.needsBrowser && (c.label === 'unchanged' || c.label === 'redesign' || c.label in MATERIAL));
  const web = await startSimWeb(spec);
  const get = async (url: string): Promise<Page> => {
    const r = await fetch(url);
    return { body: new Uint8Array(await r.arrayBuffer()), contentType: r.headers.get('content-type') ?? '' };
  };
  try {
    const before = new Map<string, Page>();
    for (const c of relevant) before.set(c.url, await get(c.url));
    web.setRound(1);
    const pairs: Pair[] = [];
    for (const c of relevant)
      pairs.push({
        before: before.get(c.url)!,
        after: await get(c.url),
        material: c.label in MATERIAL,
        kind: MATERIAL[c.label],
        where: `simweb ${c.template}`,
      });
    return pairs;
  } finally {
    await web.close();
  }
}

async function score(pairs: Pair[], chromeRules: boolean) {
  let tp = 0,
    fp = 0,
    fn = 0,
    kindOk = 0;
  const misses: string[] = [];
  for (const p of pairs) {
    const a = await extractContent({ ...p.before, url: 'http://127.0.0.1/' }, { chromeRules });
    const b = await extractContent({ ...p.after, url: 'http://127.0.0.1/' }, { chromeRules });
    const c = classifyChange(a, b);
    const flagged = c.classification === 'material';
    if (flagged && p.material) tp++;
    if (flagged && !p.material) fp++, misses.push(`false alarm ${p.where}: ${c.summary}`);
    if (!flagged && p.material) fn++, misses.push(`missed ${p.where} ${p.kind}`);
    if (flagged && p.material && c.kinds.includes(p.kind as never)) kindOk++;
  }
  return {
    precision: tp / Math.max(1, tp + fp),
    recall: tp / Math.max(1, tp + fn),
    kindAccuracy: kindOk / Math.max(1, tp),
    falseAlarms: fp,
    misses,
  };
}

async function throughput(label: string, pages: Page[], seconds = 3): Promise<Extracted[]> {
  let out: Extracted[] = [];
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    out = [];
    for (const page of pages) out.push(await extractContent({ ...page, url: 'http://127.0.0.1/' }));
    n += pages.length;
  }
  const bytes = pages.reduce((s, p) => s + p.body.length, 0) / pages.length;
  console.log(
    `extract ${label.padEnd(28)} ${(n / ((performance.now() - start) / 1000)).toFixed(0).padStart(6)} pages/s  (avg ${(bytes / 1024).toFixed(1)} KiB)`,
  );
  return out;
}

async function main() {
  console.log(describeMachine());
  const pairs = [...fixturePairs(), ...(await simwebPairs())];
  const htmlPages = pairs.filter((p) => p.after.contentType.includes('html')).map((p) => p.after);
  const pdfPages = pairs.filter((p) => p.after.contentType.includes('pdf')).map((p) => p.after);
  pdfPages.push(makePdf([['Annual Report 2023', '', 'The agency spent $400,000 on consulting contracts during the year.']]) as never);
  await throughput('HTML (fixtures + simweb)', htmlPages);
  await throughput(
    'PDF (simweb)',
    pdfPages.filter((p) => p.body),
  );
  const extracted = await Promise.all(
    pairs.map(async (p) => [await extractContent({ ...p.before, url: 'x' }), await extractContent({ ...p.after, url: 'x' })] as const),
  );
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 3000) for (const [a, b] of extracted) classifyChange(a, b), n++;
  console.log(`classifyChange                        ${(n / ((performance.now() - start) / 1000)).toFixed(0).padStart(6)} pairs/s`);

  for (const chromeRules of [true, false]) {
    const fixture = await score(
      pairs.filter((p) => p.where.startsWith('fixture')),
      chromeRules,
    );
    const sim = await score(
      pairs.filter((p) => p.where.startsWith('simweb')),
      chromeRules,
    );
    const label = chromeRules ? 'Readability + chrome rules' : 'Readability alone';
    for (const [name, s] of [
      ['fixtures', fixture],
      ['simweb', sim],
    ] as const) {
      console.log(
        `${label.padEnd(27)} ${name.padEnd(8)} precision ${s.precision.toFixed(3)} recall ${s.recall.toFixed(3)} kind ${s.kindAccuracy.toFixed(3)} false alarms ${s.falseAlarms}`,
      );
      for (const m of s.misses.slice(0, 6)) console.log(`    ${m.slice(0, 160)}`);
    }
  }
  console.log(
    `pairs: ${pairs.filter((p) => p.where.startsWith('fixture')).length} fixture, ${pairs.filter((p) => p.where.startsWith('simweb')).length} simweb`,
  );
}

await main();
