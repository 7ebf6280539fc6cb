import { describe, expect, it } from 'vitest';
import { extractContent } from '../src/extract/index.js';
import { pageLayout } from '../src/extract/signals.js';
import type { PageLayout } from '../src/extract/types.js';
import { looksLikeProbe, type HostProbe } from '../src/states/looksLikeProbe.js';
import { redirectKind, sameSite } from '../src/states/redirectKind.js';

const NOT_FOUND =
  'Sorry, we could not find the page /qx7kz9w2rt4b you asked for. Try our search or go back to the home page. Popular stories today on Example News';
const ARTICLE =
  'The minister resigned on Tuesday after an inquiry found that 4 million dollars had been moved through shell companies registered in Cyprus, according to documents seen by reporters.';

describe('looksLikeProbe', () => {
  const probe: HostProbe = { status: 200, finalUrl: 'https://ex.com/qx7kz9w2rt4b', text: NOT_FOUND };
  const cases: [string, Parameters<typeof looksLikeProbe>[0], HostProbe | null, boolean][] = [
    [
      'same not-found template quoting another path',
      { finalUrl: 'https://ex.com/2020/a-story', text: NOT_FOUND.replace('/qx7kz9w2rt4b', '/2020/a-story') },
      probe,
      true,
    ],
    [
      'template with a different random token',
      { finalUrl: 'https://ex.com/x', text: NOT_FOUND.replace('qx7kz9w2rt4b', 'abc123def456') },
      probe,
      true,
    ],
    ['template, digits differ', { finalUrl: 'https://ex.com/x', text: NOT_FOUND + ' 2026' }, { ...probe, text: NOT_FOUND + ' 2025' }, true],
    ['a real article', { finalUrl: 'https://ex.com/2020/a-story', text: ARTICLE }, probe, false],
    [
      'article with the site chrome around it',
      { finalUrl: 'https://ex.com/a', text: ARTICLE + ' ' + ARTICLE + ' Popular stories today on Example News' },
      probe,
      false,
    ],
    ['no probe', { finalUrl: 'https://ex.com/a', text: NOT_FOUND }, null, false],
    ['empty texts say nothing', { finalUrl: 'https://ex.com/a', text: '' }, { ...probe, text: '' }, false],
    // An extraction that failed or came out empty is not like the not-found page, even if the probe's did too.
    [
      'empty texts with the fingerprints of empty texts',
      { finalUrl: 'https://ex.com/a', text: '', fingerprint: 0n },
      { ...probe, text: '', fingerprint: 0n },
      false,
    ],
    [
      'a failed extraction (no text) beside a probe with text',
      { finalUrl: 'https://ex.com/a', text: null, fingerprint: null },
      probe,
      false,
    ],
    [
      'a few words (an unrendered shell)',
      { finalUrl: 'https://ex.com/a', text: 'Enable JavaScript' },
      { ...probe, text: 'Enable JavaScript' },
      false,
    ],
    [
      'both redirected to the same place',
      { requestedUrl: 'https://ex.com/a/b', finalUrl: 'https://ex.com/', text: ARTICLE },
      { ...probe, finalUrl: 'https://ex.com/', text: 'home' },
      true,
    ],
    [
      "page not redirected, at the probe's final URL",
      { requestedUrl: 'https://ex.com/', finalUrl: 'https://ex.com/', text: ARTICLE },
      { ...probe, finalUrl: 'https://ex.com/', text: 'x' },
      false,
    ],
    [
      'near-identical fingerprints without text',
      { finalUrl: null, text: null, fingerprint: 0b1011n },
      { status: 200, fingerprint: 0b1000n },
      true,
    ],
    ['distant fingerprints', { finalUrl: null, text: null, fingerprint: 0xffffn }, { status: 200, fingerprint: 0n }, false],
    ['fingerprints as strings (jsonb)', { finalUrl: null, text: null, fingerprint: '12345' }, { status: 200, fingerprint: '12345' }, true],
  ];
  it.each(cases)('%s', (_name, page, p, expected) => {
    expect(looksLikeProbe(page, p)).toBe(expected);
  });
});

describe('redirectKind', () => {
  const deep = 'https://www.example.com/2021/05/03/minister-resigns-after-inquiry';
  const cases: [string, string, string | null, string | null][] = [
    ['no redirect', deep, deep, null],
    ['http to https, trailing slash', deep, deep.replace('https', 'http') + '/', null],
    ['www dropped', deep, deep.replace('www.', ''), null],
    ['to the root', deep, 'https://www.example.com/', 'redirect-to-root'],
    ['to index.html', deep, 'https://www.example.com/index.html', 'redirect-to-root'],
    ['to a section front', deep, 'https://www.example.com/politics', 'redirect-to-section'],
    ['to a section under /section/', deep, 'https://www.example.com/section/politics/', 'redirect-to-section'],
    ['to /news/', deep, 'https://www.example.com/news/', 'redirect-to-section'],
    ['to a topic listing', deep, 'https://www.example.com/topics/elections', 'redirect-to-section'],
    ['to a nested category', deep, 'https://www.example.com/category/world/europe', 'redirect-to-section'],
    [
      'a wire article to a topic',
      'https://wire.example.com/politics/minister-resigns-id4f3a9c21',
      'https://wire.example.com/topics/money-and-power',
      'redirect-to-section',
    ],
    ['to a date archive', deep, 'https://www.example.com/2021/05/', null],
    [
      'renamed in the same folder',
      'https://en.example.org/wiki/Minister_of_Finance_scandal',
      'https://en.example.org/wiki/Finance_scandal',
      null,
    ],
    ['to a canonical slug one level up', deep, 'https://www.example.com/minister-resigns-after-inquiry', null],
    ['to another article of the same site', deep, 'https://www.example.com/news/2021/minister-resigns', null],
    ['to another site', deep, 'https://casino.example.org/welcome', 'redirect-to-unrelated'],
    ['to another site keeping the slug (domain move)', deep, 'https://example.net/minister-resigns-after-inquiry', null],
    ['to another site root', deep, 'https://example.net/', 'redirect-to-root'],
    ['a home page cited as such', 'https://example.com/', 'https://www.example.com/en/', null],
    ['a one-level article to the root', 'https://example.com/minister-resigns', 'https://example.com/', 'redirect-to-root'],
    ['one-level article to a section is not judged', 'https://example.com/minister-resigns', 'https://example.com/news', null],
    ['IP hosts differ', 'http://127.1.0.7:8080/a/b', 'http://127.1.0.8:8080/landing', 'redirect-to-unrelated'],
    ['no final URL', deep, null, null],
  ];
  it.each(cases)('%s', (_name, from, to, expected) => {
    expect(redirectKind(from, to)).toBe(expected);
  });

  // The landing page's content is a second, independent signal: a listing is a section front whatever
  // its URL; an article is not one, whatever its URL looks like.
  const byContent: [string, string, string, PageLayout | undefined, string | null][] = [
    ['a listing at a path with an id', deep, 'https://www.example.com/latest-news-and-analysis-2024', 'listing', 'redirect-to-section'],
    ['a listing at a date archive', deep, 'https://www.example.com/2021/05/', 'listing', 'redirect-to-section'],
    ['a listing in the same folder', deep, 'https://www.example.com/2021/05/03/latest', 'listing', 'redirect-to-section'],
    ['a listing under a query', deep, 'https://www.example.com/search?q=minister', 'listing', 'redirect-to-section'],
    [
      'a one-level article to a listing',
      'https://example.com/minister-resigns-after-inquiry',
      'https://example.com/news',
      'listing',
      'redirect-to-section',
    ],
    [
      'a cited section front moved to another listing',
      'https://example.com/politics',
      'https://example.com/section/politics/',
      'listing',
      null,
    ],
    ['an article at a section-shaped path', deep, 'https://www.example.com/politics/budget-vote', 'article', null],
    ['an article at /news/', deep, 'https://www.example.com/news/', 'article', null],
    [
      'a listing keeping the slug is the article moved',
      deep,
      'https://www.example.com/live/minister-resigns-after-inquiry',
      'listing',
      null,
    ],
    ['a listing on another site is unrelated', deep, 'https://casino.example.org/games/', 'listing', 'redirect-to-unrelated'],
    ['an article at the root is still the root', deep, 'https://www.example.com/', 'article', 'redirect-to-root'],
    ['content unknown: the path decides', deep, 'https://www.example.com/topics/elections', undefined, 'redirect-to-section'],
  ];
  it.each(byContent)('%s', (_name, from, to, landing, expected) => {
    expect(redirectKind(from, to, landing)).toBe(expected);
  });

  it('tells sites apart by registrable domain', () => {
    expect(sameSite('news.bbc.co.uk', 'www.bbc.co.uk')).toBe(true);
    expect(sameSite('bbc.co.uk', 'cnn.co.uk')).toBe(false);
    expect(sameSite('a.example.com', 'example.com')).toBe(true);
    expect(sameSite('127.0.0.1', '127.0.0.2')).toBe(false);
  });
});

describe('page layout: a listing or an article, from the content alone', () => {
  const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i % 7 === 0 ? '.' : ''}`).join(' ');
  const teaser = (i: number) =>
    `<article class="card"><h3><a href="/politics/story-${i}">Council votes on the harbour budget, item ${i}</a></h3><p>${words(30, 'teaser')}</p><span>2 hours ago</span></article>`;
  const prose = (paragraphs: number) => Array.from({ length: paragraphs }, (_, i) => `<p>${words(60, `word${i}`)}</p>`).join('');
  const page = (body: string) => `<!doctype html><html><head><title>Example</title></head><body><main>${body}</main></body></html>`;
  const cases: [string, string, PageLayout | undefined][] = [
    [
      'a section front of cards with teasers',
      page(`<h1>Politics</h1>${Array.from({ length: 12 }, (_, i) => teaser(i)).join('')}`),
      'listing',
    ],
    [
      'a plain river of headline links',
      page(
        `<h1>News</h1><ul>${Array.from({ length: 8 }, (_, i) => `<li><a href="/news/a-${i}">Minister answers questions about the port deal ${i}</a></li>`).join('')}</ul>`,
      ),
      'listing',
    ],
    [
      'cards that are links as a whole',
      page(
        Array.from(
          { length: 6 },
          (_, i) => `<a href="https://ex.com/s/${i}"><h2>Storm closes the coast road ${i}</h2><p>${words(25, 'more')}</p></a>`,
        ).join(''),
      ),
      'listing',
    ],
    [
      'an article with links inside its sentences',
      page(`<h1>Budget vote</h1>${prose(6).replace(/<p>/g, '<p>As <a href="/politics/earlier">the council said last week</a>, ')}`),
      'article',
    ],
    [
      'an article followed by a list of related stories',
      page(
        `<h1>Budget vote</h1>${prose(5)}<ul>${Array.from({ length: 6 }, (_, i) => `<li><a href="/p/${i}">Another story about the harbour ${i}</a></li>`).join('')}</ul>`,
      ),
      'article',
    ],
    [
      'a short stub with two links says neither',
      page(`<h1>Stub</h1><p>${words(40, 'x')}</p><p><a href="/a/b">Read the full report here</a></p>`),
      undefined,
    ],
    [
      'home and fragment links are not headlines',
      page(
        Array.from(
          { length: 8 },
          (_, i) => `<p><a href="#s${i}">Jump to section number ${i}</a></p><p><a href="/">Back to the home page</a></p>`,
        ).join(''),
      ),
      undefined,
    ],
  ];
  it.each(cases)('%s → %s', async (_name, html, layout) => {
    const { signals } = await extractContent({ body: new TextEncoder().encode(html), contentType: 'text/html', url: 'https://ex.com/x' });
    expect(signals.layout).toBe(layout);
  });

  it.each([
    [{ headlineLinks: 20, longestProseWords: 40 }, 'listing'],
    [{ headlineLinks: 5, longestProseWords: 119 }, 'listing'],
    [{ headlineLinks: 4, longestProseWords: 10 }, undefined],
    [{ headlineLinks: 30, longestProseWords: 130 }, undefined],
    [{ headlineLinks: 30, longestProseWords: 150 }, 'article'],
    [{ headlineLinks: 0, longestProseWords: 900 }, 'article'],
  ] as const)('%o → %s', (facts, layout) => {
    expect(pageLayout(facts)).toBe(layout);
  });

  it('says nothing of a page whose facts were not read (a PDF, plain text)', () => {
    expect(pageLayout(undefined)).toBeUndefined();
  });
});
