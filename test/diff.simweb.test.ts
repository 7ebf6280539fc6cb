import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyChange, type ClassifiedChange } from '../src/diff/classifyChange.js';
import { extractContent, type Extracted } from '../src/extract/index.js';
import { startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { buildLabelledWeb, MATERIAL_KINDS as MATERIAL, type LabelledCase } from '../src/simweb/labelled.js';

/** Labels whose second version is the same article (noise) or a given material edit. */
const NOISE = new Set(['unchanged', 'redesign']);

const { spec, cases } = buildLabelledWeb({ perLabel: 7, seed: 42 });
// Script-shell pages carry their text only after rendering: the browser path compares those.
const relevant = cases.filter((c) => !c.needsBrowser && (NOISE.has(c.label) || c.label in MATERIAL));
let web: SimWeb;
const results: { c: LabelledCase; change: ClassifiedChange; repeat: ClassifiedChange }[] = [];

async function capture(url: string): Promise<Extracted> {
  const response = await fetch(url);
  const body = new Uint8Array(await response.arrayBuffer());
  return extractContent({ body, contentType: response.headers.get('content-type'), url });
}

beforeAll(async () => {
  web = await startSimWeb(spec);
  const before = new Map<LabelledCase, { first: Extracted; second: Extracted }>();
  web.setRound(0);
  for (const c of relevant) before.set(c, { first: await capture(c.url), second: await capture(c.url) });
  web.setRound(1);
  for (const c of relevant) {
    const { first, second } = before.get(c)!;
    results.push({ c, change: classifyChange(first, await capture(c.url)), repeat: classifyChange(first, second) });
  }
}, 120_000);
afterAll(async () => web?.close());

describe('extract + classify over the labelled simulated web', () => {
  it('covers every template but the script shell, and every relevant label', () => {
    expect(new Set(results.map((r) => r.c.template)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(results.map((r) => r.c.label)).size).toBe(NOISE.size + Object.keys(MATERIAL).length);
  });

  it('two requests in the same round are never material', () => {
    const material = results
      .filter((r) => r.repeat.classification === 'material')
      .map((r) => `${r.c.template}/${r.c.label}: ${r.repeat.summary}`);
    expect(material).toEqual([]);
  });

  it('unchanged and redesigned pages are never material', () => {
    const wrong = results.filter((r) => NOISE.has(r.c.label) && r.change.classification === 'material');
    expect(wrong.map((r) => `${r.c.template}/${r.c.label}: ${r.change.summary}`)).toEqual([]);
  });

  it('material changes: precision and recall at least 0.95, with the right leading kind', () => {
    const truth = (r: (typeof results)[number]) => r.c.label in MATERIAL;
    const flagged = results.filter((r) => r.change.classification === 'material');
    const truePositives = flagged.filter(truth);
    const precision = truePositives.length / Math.max(1, flagged.length);
    const recall = truePositives.length / results.filter(truth).length;
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    const wrongKind = truePositives.filter((r) => !r.change.kinds.includes(MATERIAL[r.c.label] as never));
    expect(wrongKind.map((r) => `${r.c.template}/${r.c.label}: ${r.change.kinds.join(',')} — ${r.change.summary}`)).toEqual([]);
  });
});
