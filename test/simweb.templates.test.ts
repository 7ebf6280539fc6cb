import { describe, expect, it } from 'vitest';
import { generateArticle } from '../src/simweb/articleGen.js';
import { makeNoise } from '../src/simweb/noise.js';
import { botChallengePage, parkedPage } from '../src/simweb/pages.js';
import { createRng } from '../src/simweb/prng.js';
import { renderArticle, TEMPLATES } from '../src/simweb/templates/index.js';
import { esc } from '../src/simweb/templates/chrome.js';
import type { Skin, TemplateName } from '../src/simweb/types.js';

const article = generateArticle(createRng(99));
const site = { name: 'Capital Ledger', host: 'www.capital-ledger.com', sections: ['politics', 'business'] };
const render = (template: TemplateName, skin: Skin, seq = 0, paywall = false) =>
  renderArticle(template, {
    article,
    skin,
    site,
    noise: makeNoise(1, 'k', seq, Date.UTC(2024, 0, 1) + seq * 60_000),
    paywall,
    path: '/politics/story',
  });
const html = (template: TemplateName, skin: Skin, seq = 0, paywall = false) => String(render(template, skin, seq, paywall).body);
const classes = (page: string) => new Set([...page.matchAll(/class="([^"]+)"/g)].flatMap((m) => m[1].split(' ')));

describe('templates', () => {
  const htmlTemplates = TEMPLATES.filter((t) => t !== 'pdf' && t !== 'script');

  it.each(htmlTemplates)('%s shows every paragraph in the markup, in both skins with different chrome', (template) => {
    const classic = html(template, 'classic');
    const redesign = html(template, 'redesign');
    for (const page of [classic, redesign]) for (const p of article.paragraphs) expect(page).toContain(esc(p));
    const shared = [...classes(classic)].filter((c) => classes(redesign).has(c));
    expect(shared.length).toBeLessThan(classes(classic).size / 4);
  });

  it.each(htmlTemplates)('%s carries per-request noise: tokens, counters, cache-busting asset URLs', (template) => {
    const a = html(template, 'classic', 1);
    const b = html(template, 'classic', 2);
    expect(a).not.toBe(b);
    const token = (page: string) => page.match(/csrf-token" content="(\w+)"/)?.[1];
    expect(token(a)).not.toBe(token(b));
    expect(a).toMatch(/\?v=[0-9a-f]{10}/);
  });

  it('news ships a large inline JSON state blob in both skins', () => {
    expect(html('news', 'classic')).toMatch(/<script id="__NEXT_DATA__" type="application\/json">.{30000,}<\/script>/s);
    expect(html('news', 'redesign')).toMatch(/window\.__INITIAL_STATE__=.{30000,};<\/script>/s);
  });

  it('script-rendered pages are an empty app shell: the text is only inside an encoded script', () => {
    for (const skin of ['classic', 'redesign'] as const) {
      const page = html('script', skin);
      expect(page).toMatch(/<div id="(root|app)"><\/div>/);
      expect(page).toContain('document.createElement("p")');
      for (const p of article.paragraphs) expect(page).not.toContain(p.slice(0, 40));
      expect(page).not.toContain(article.headline);
    }
  });

  it('paywalled pages keep the teaser and ask for a subscription', () => {
    for (const template of ['news', 'wire', 'blog'] as const) {
      const page = html(template, 'classic', 0, true);
      expect(page).toContain('Subscribe to continue reading');
      expect(page).toContain(esc(article.paragraphs[0]));
      expect(page).not.toContain(esc(article.paragraphs[2]));
    }
  });

  it('PDF skins are both valid PDF with the text', () => {
    for (const skin of ['classic', 'redesign'] as const) {
      const pdf = Buffer.from(render('pdf', skin).body as Uint8Array).toString('latin1');
      expect(pdf.startsWith('%PDF-1.4')).toBe(true);
      expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
      expect(pdf).toContain('/BaseFont /Helvetica');
      expect(pdf).toMatch(/\) Tj T\*/);
    }
  });

  it('parked and bot-challenge pages say what they are', () => {
    const noise = makeNoise(1, 'k', 0, 0);
    expect(parkedPage('old-news.sim', noise)).toContain('This domain may be for sale');
    expect(botChallengePage('www.capital-ledger.com', noise)).toContain('<title>Just a moment...</title>');
  });
});
