import { describe, expect, it } from 'vitest';
import { extractContent } from '../src/extract/index.js';
import { normalizeChars } from '../src/extract/normalize.js';
import { ARTICLES } from './fixtures/pages/articles.js';
import { SKINS } from './fixtures/pages/skins.js';

/** Strings only the chrome carries: none may reach the extracted text. */
const CHROME = [
  'Accept all cookies',
  'cookies and similar',
  'Most read',
  'Related stories',
  'Trending now',
  'Refinance today',
  'meal kits',
  'chunk-',
  '"buildId"',
  'Recent posts',
  'Great post',
  'Share on Facebook',
  'Sign up now',
  'Privacy policy',
];

const cases = Object.keys(SKINS).flatMap((site) => [
  { site, variant: { seed: 11 }, label: 'original layout' },
  { site, variant: { seed: 12, redesign: true }, label: 'redesign' },
]);

describe('extraction of the fixture sites', () => {
  it.each(cases)('$site ($label): headline, every paragraph, no chrome', async ({ site, variant }) => {
    const article = ARTICLES[site];
    const page = SKINS[site](article, variant);
    const out = await extractContent({ ...page, url: `http://127.0.0.1/${site}` });
    expect(out.title).toBe(article.headline);
    const text = normalizeChars(out.text);
    for (const paragraph of article.paragraphs) expect(text).toContain(normalizeChars(paragraph));
    for (const chrome of CHROME) expect(text).not.toContain(chrome);
    expect(out.signals).toMatchObject({ errorPage: false, parked: false, botChallenge: false, paywall: false, scriptShell: false });
    expect(out.signals.wordCount).toBeGreaterThan(60);
  });

  it('keeps the figures, names and accents of the windows-1252 page that claims UTF-8', async () => {
    const out = await extractContent({ ...SKINS.charset(ARTICLES.charset, { seed: 1 }), url: 'http://127.0.0.1/fr' });
    expect(out.text).toContain('850 000 € à l’État');
    expect(out.text).toContain('François Lefèvre');
    expect(out.text).not.toContain('\ufffd');
  });

  it('finds the publication date and byline where the page states them', async () => {
    const out = await extractContent({ ...SKINS.news(ARTICLES.news, { seed: 1 }), url: 'http://127.0.0.1/n' });
    expect(out.published).toBe(ARTICLES.news.date);
    expect(out.byline).toBe(ARTICLES.news.byline);
  });
});
