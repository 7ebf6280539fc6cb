import { describe, expect, it } from 'vitest';
import { extractContent } from '../src/extract/index.js';
import { inlineContent } from '../src/extract/inlineContent.js';

const para = (n: number, word = 'harbour') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
const LONG = [para(30, 'council'), para(30, 'contract')];
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const next = (pageProps: unknown, attrs = 'id="__NEXT_DATA__" type="application/json"') =>
  `<script ${attrs}>${json({ props: { pageProps } })}</script>`;
const ld = (v: unknown) => `<script type="application/ld+json">${json(v)}</script>`;
const page = (body: string) => `<!doctype html><html><head><title>t</title></head><body><div id="__next"></div>${body}</body></html>`;
const article = {
  '@type': 'NewsArticle',
  headline: 'Harbour deal signed',
  author: { name: 'Grace Writer' },
  datePublished: '2024-05-02',
  articleBody: LONG.join('\n\n'),
};

describe('inline content', () => {
  it.each([
    [
      '__NEXT_DATA__ paragraphs',
      next({ story: { headline: 'Harbour deal signed', byline: 'Grace Writer', published: '2024-05-02', paragraphs: LONG } }),
      'next-data',
      LONG,
    ],
    [
      '__NEXT_DATA__ with unquoted id',
      next({ post: { title: 'Harbour deal signed', body: LONG.join('\n\n') } }, 'id=__NEXT_DATA__ type="application/json"'),
      'next-data',
      LONG,
    ],
    [
      '__NEXT_DATA__ article below a feed of teasers',
      next({ feed: [{ headline: 'teaser', url: '/x' }], data: { article: { headline: 'Harbour deal signed', content: LONG } } }),
      'next-data',
      LONG,
    ],
    ['JSON-LD NewsArticle articleBody', ld(article), 'json-ld', LONG],
    [
      'JSON-LD in an @graph, with an array of types',
      ld({
        '@graph': [
          { '@type': 'WebSite', name: 'x' },
          { ...article, '@type': ['Thing', 'Article'] },
        ],
      }),
      'json-ld',
      LONG,
    ],
    ['JSON-LD list, the article second', ld([{ '@type': 'BreadcrumbList' }, article]), 'json-ld', LONG],
  ])('reads %s', (_, body, source, paragraphs) => {
    const got = inlineContent(page(body));
    expect(got).toMatchObject({ source, title: 'Harbour deal signed', paragraphs });
  });

  it.each([
    ['no inline JSON', '<p>hello</p>'],
    ['broken JSON', '<script id="__NEXT_DATA__" type="application/json">{"props":</script>'],
    ['a teaser under 50 words', next({ story: { headline: 'Harbour', paragraphs: [para(20)] } })],
    ['markup in the body (a template, not text)', next({ story: { headline: 'Harbour', body: `<p>${para(80)}</p>` } })],
    ['paragraphs that are not all strings', next({ story: { headline: 'Harbour', paragraphs: [para(60), { type: 'embed' }] } })],
    ['JSON-LD of a type that is no article', ld({ '@type': 'Product', name: 'Harbour', articleBody: para(80) })],
    ['JSON-LD without a headline', ld({ ...article, headline: undefined })],
    ['an unclosed script', '<script id="__NEXT_DATA__">{"props":{}}'],
  ])('vouches for nothing with %s', (_, body) => {
    expect(inlineContent(page(body))).toBeNull();
  });

  it('walks at most a bounded number of objects and stays linear on a deep state', () => {
    const deep = `{"props":${'{"child":'.repeat(50_000)}${JSON.stringify({ headline: 'deep', paragraphs: [para(60)] })}${'}'.repeat(50_001)}`;
    const t = performance.now();
    expect(inlineContent(page(`<script id="__NEXT_DATA__" type="application/json">${deep}</script>`))).toBeNull(); // beyond the walk's bound
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('gives an app shell its text, so it is no longer a script shell to render', async () => {
    const runtime = `<script>${'var a=1;'.repeat(1000)}</script>`;
    const html = page(runtime + next({ story: { headline: 'Harbour deal signed', byline: 'Grace Writer', paragraphs: LONG } }));
    const out = await extractContent({ body: new TextEncoder().encode(html), contentType: 'text/html', url: 'http://x/' });
    expect(out.paragraphs).toEqual(LONG);
    expect(out.signals.scriptShell).toBe(false);
    const bare = await extractContent({
      body: new TextEncoder().encode(page(runtime + '<script>render()</script>')),
      contentType: 'text/html',
      url: 'http://x/',
    });
    expect(bare.signals.scriptShell).toBe(true);
  });

  it('leaves a page with its text in the HTML alone, whatever its JSON says', async () => {
    const html = `<html><body><article><h1>Seen</h1><p>${para(150, 'visible')}</p></article>${next({ story: { headline: 'Hidden', paragraphs: LONG } })}</body></html>`;
    const out = await extractContent({ body: new TextEncoder().encode(html), contentType: 'text/html', url: 'http://x/' });
    expect(out.text).toContain('visible0');
    expect(out.text).not.toContain('council0');
  });
});
