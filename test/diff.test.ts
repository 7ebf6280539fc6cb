import { describe, expect, it } from 'vitest';
import { classifyChange } from '../src/diff/classifyChange.js';
import { fingerprint, hammingDistance } from '../src/extract/fingerprint.js';
import { renderWordDiff } from '../src/cli/renderDiff.js';
import { wordDiff } from '../src/diff/words.js';
import { extractContent, type Extracted } from '../src/extract/index.js';
import { ARTICLES } from './fixtures/pages/articles.js';
import { EDITS } from './fixtures/pages/edits.js';
import { makePdf } from './fixtures/pages/makePdf.js';
import { SKINS, type Variant } from './fixtures/pages/skins.js';

const extract = (site: string, article = ARTICLES[site], variant: Variant = { seed: 1 }): Promise<Extracted> =>
  extractContent({ ...SKINS[site](article, variant), url: `http://127.0.0.1/${site}` });

const sites = Object.keys(SKINS);
const noiseCases = sites.flatMap((site) => [
  { site, variant: { seed: 2 }, label: 'another request' },
  { site, variant: { seed: 3 }, label: 'a third request' },
  { site, variant: { seed: 4, redesign: true }, label: 'a redesign' },
]);
const editCases = sites.flatMap((site) => EDITS.map((edit) => ({ site, edit, name: edit.name, kind: edit.kind })));

describe('classifyChange on the fixture sites', () => {
  it.each(noiseCases)('$site, $label: no change at all', async ({ site, variant }) => {
    const change = classifyChange(await extract(site), await extract(site, ARTICLES[site], variant));
    expect(change).toMatchObject({ classification: 'noise', kinds: [], significance: 0, added: [], removed: [] });
  });

  it.each(editCases)('$site, $name (seen through request noise): material, $kind', async ({ site, edit }) => {
    const change = classifyChange(await extract(site), await extract(site, edit.apply(ARTICLES[site]), { seed: 9 }));
    expect(change.classification).toBe('material');
    expect(change.kinds[0]).toBe(edit.kind);
    expect(change.significance).toBeGreaterThanOrEqual(0.4);
    expect(change.summary.length).toBeGreaterThan(10);
  });

  it('an edit behind a redesign is still seen', async () => {
    const edited = EDITS.find((e) => e.kind === 'number')!.apply(ARTICLES.news);
    const change = classifyChange(await extract('news'), await extract('news', edited, { seed: 5, redesign: true }));
    expect(change.kinds).toEqual(['number']);
    expect(change.removed.join(' ')).toContain('$400,000');
    expect(change.added.join(' ')).toContain('$200,000');
  });
});

describe('classifyChange on text', () => {
  const base = 'The agency paid $400,000 to Acme Corp in 2021, records show. The director, Ann Lee, approved the payment.';
  const table: { name: string; before: string; after: string; classification: string; kinds: string[] }[] = [
    { name: 'identical', before: base, after: base, classification: 'noise', kinds: [] },
    {
      name: 'typographic quotes and dashes',
      before: 'He said "no" - twice.',
      after: 'He said “no” — twice.',
      classification: 'noise',
      kinds: [],
    },
    {
      name: 'relative time and view counter',
      before: `Updated 5 minutes ago\n\n${base}\n\n1,204 views`,
      after: `Updated 3 hours ago\n\n${base}\n\n98,001 views`,
      classification: 'noise',
      kinds: [],
    },
    {
      name: 'dateline clock',
      before: `By Ann Roe | March 3, 2024 10:32 AM ET\n\n${base}`,
      after: `By Ann Roe | March 4, 2024 9:05 PM ET\n\n${base}`,
      classification: 'noise',
      kinds: [],
    },
    {
      name: 'session token in text',
      before: `${base}\n\nsession id: 8f9a0b1c2d3e4f5a6b7c`,
      after: `${base}\n\nsession id: 0a1b2c3d4e5f60718293`,
      classification: 'noise',
      kinds: [],
    },
    {
      name: 'an all-letter hex session id',
      before: `${base}\n\nSession deadbeefcafe`,
      after: `${base}\n\nSession 0123456789ab`,
      classification: 'noise',
      kinds: [],
    },
    { name: 'an advertisement line', before: base, after: `${base}\n\nAdvertisement`, classification: 'noise', kinds: [] },
    {
      name: 'amount in a sentence',
      before: base,
      after: base.replace('$400,000', '$200,000'),
      classification: 'material',
      kinds: ['number'],
    },
    { name: 'date in a sentence', before: base, after: base.replace('2021', '2022'), classification: 'material', kinds: ['number'] },
    { name: 'a name', before: base, after: base.replace('Ann Lee', 'Ann Park'), classification: 'material', kinds: ['name'] },
    {
      name: 'a negation',
      before: base,
      after: base.replace('approved', 'did not approve'),
      classification: 'material',
      kinds: ['text-edit'],
    },
  ];
  it.each(table)('$name → $classification $kinds', ({ before, after, classification, kinds }) => {
    const change = classifyChange(before, after);
    expect(change.classification).toBe(classification);
    expect(change.kinds).toEqual(kinds);
  });

  it('a site name added to the title is not a new headline, a reworded title is', () => {
    expect(classifyChange({ title: 'Deal approved', text: base }, { title: 'Deal approved | Daily', text: base }).kinds).toEqual([]);
    expect(classifyChange({ title: 'Deal approved', text: base }, { title: 'Deal blocked', text: base }).kinds).toEqual(['headline']);
  });

  it('PDF captures: a changed figure in a report is material', async () => {
    // A blank line sets the generated-on footer apart, as report layouts do.
    const lines = [
      'Annual Report 2023',
      '',
      'The agency spent $400,000 on consulting',
      'contracts during the year.',
      '',
      'Generated on March 3, 2024 at 10:32 AM',
    ];
    const a = await extractContent({ body: makePdf([lines]), contentType: 'application/pdf', url: 'http://127.0.0.1/r.pdf' });
    expect(a.paragraphs).toEqual([
      'Annual Report 2023',
      'The agency spent $400,000 on consulting contracts during the year.',
      'Generated on March 3, 2024 at 10:32 AM',
    ]);
    const b = await extractContent({
      body: makePdf([[...lines.slice(0, 5), 'Generated on April 9, 2024 at 4:01 PM']]),
      contentType: 'application/pdf',
      url: 'http://127.0.0.1/r.pdf',
    });
    const c = await extractContent({
      body: makePdf([lines.map((l) => l.replace('400', '450'))]),
      contentType: 'application/pdf',
      url: 'http://127.0.0.1/r.pdf',
    });
    expect(classifyChange(a, b).kinds).toEqual([]);
    expect(classifyChange(a, c).kinds).toEqual(['number']);
  });
});

describe('fingerprint', () => {
  it('is stable under noise, close under a small edit, far for another story', async () => {
    const a = await extract('news');
    const noisy = await extract('news', ARTICLES.news, { seed: 4, redesign: true });
    const edited = await extract('news', EDITS[0].apply(ARTICLES.news), { seed: 2 });
    const other = await extract('news', EDITS.find((e) => e.kind === 'story-replaced')!.apply(ARTICLES.news));
    expect(fingerprint(noisy.text)).toBe(fingerprint(a.text));
    const near = hammingDistance(fingerprint(a.text), fingerprint(edited.text));
    const far = hammingDistance(fingerprint(a.text), fingerprint(other.text));
    expect(near).toBeGreaterThan(0);
    expect(near).toBeLessThan(12);
    expect(far).toBeGreaterThan(18);
  });
});

describe('wordDiff and its rendering', () => {
  it('marks the changed words only', () => {
    const parts = wordDiff('paid $400,000 to Acme', 'paid $200,000 to Acme');
    expect(parts.filter((p) => p.removed).map((p) => p.value.trim())).toEqual(['400']);
    expect(parts.filter((p) => p.added).map((p) => p.value.trim())).toEqual(['200']);
    expect(renderWordDiff(parts, { color: false })).toBe('paid $[-400-]{+200+},000 to Acme');
    expect(renderWordDiff(parts, { color: true })).toContain('\u001b[31m');
  });
  it('elides long unchanged stretches', () => {
    const long = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const out = renderWordDiff(wordDiff(`${long} end`, `${long} finish`), { color: false, context: 3 });
    expect(out).toContain('…');
    expect(out.length).toBeLessThan(60);
  });
});
