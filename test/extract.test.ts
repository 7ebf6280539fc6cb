import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { textBlocks } from '../src/extract/blocks.js';
import { extractContent, EXTRACTOR_VERSION } from '../src/extract/index.js';
import { nestingDepth, plainText } from '../src/extract/plainText.js';
import { makePdf } from './fixtures/pages/makePdf.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('extractContent basics', () => {
  it('has a positive version', () => expect(EXTRACTOR_VERSION).toBeGreaterThan(0));

  it('extracts text from a hand-made PDF, joining wrapped lines into paragraphs', async () => {
    const pdf = makePdf(
      [['Annual Report 2023', '', 'The agency spent $400,000 on consulting con-', 'tracts during the year.'], ['Page two.']],
      'Annual Report',
    );
    const out = await extractContent({ body: pdf, contentType: 'application/pdf', url: 'http://127.0.0.1/r.pdf' });
    expect(out.title).toBe('Annual Report');
    expect(out.paragraphs).toEqual([
      'Annual Report 2023',
      'The agency spent $400,000 on consulting contracts during the year.',
      'Page two.',
    ]);
    // The same bytes can be extracted twice (pdf.js detaches the buffer it is handed).
    // A Buffer (what zlib hands back) is accepted too, though pdf.js itself refuses one.
    const again = await extractContent({ body: Buffer.from(pdf), contentType: null, url: 'http://127.0.0.1/r.pdf' });
    expect(again.text).toBe(out.text);
  });

  it('decodes a windows-1252 page served with a lying charset=utf-8 header', async () => {
    const html =
      '<html><head><meta charset="windows-1252"><title>Café</title></head><body><p>Señor Müller said “yes” — €5.</p></body></html>';
    const out = await extractContent({
      body: iconv.encode(html, 'windows-1252'),
      contentType: 'text/html; charset=utf-8',
      url: 'http://127.0.0.1/',
    });
    expect(out.text).toBe('Señor Müller said “yes” — €5.');
  });

  it('passes plain text through as paragraphs', async () => {
    const out = await extractContent({
      body: enc('First para\nline two.\n\nSecond para.'),
      contentType: 'text/plain',
      url: 'http://127.0.0.1/a.txt',
    });
    expect(out.paragraphs).toEqual(['First para line two.', 'Second para.']);
  });
});

describe('pages that leave out <html> and <body> (as HTML allows)', () => {
  const story = `<h1>Ledger shows transfers</h1><p>${'The ledger lists four transfers to the same account in March. '.repeat(12)}</p>`;
  const enc = (html: string) => new TextEncoder().encode(html);
  it.each([
    ['no tags around the content', story],
    ['a head but no body', `<head><title>Ledger</title></head>${story}`],
    ['only a doctype', `<!doctype html>${story}`],
  ])('reads the text of a page with %s', async (_shape, html) => {
    const out = await extractContent({ body: enc(html), contentType: 'text/html', url: 'http://127.1.0.1/p' });
    expect(out.text).toContain('four transfers');
    expect(out.signals.wordCount).toBeGreaterThan(100);
  });

  it('never throws on bytes that decode to no markup at all', async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    await expect(
      extractContent({ body: garbage, contentType: 'text/html; charset=utf-16le', url: 'http://127.1.0.1/g' }),
    ).resolves.toHaveProperty('text');
  });
});

describe('nestingDepth: how deep elements nest, read from the string without a DOM', () => {
  const cases: [string, string, number][] = [
    ['flat paragraphs', '<p>a</p><p>b</p>', 0],
    ['nested divs', '<div><div><div>x</div></div></div>', 3],
    ['void elements and self-closing breaks add nothing', '<div><br><img src=x><hr/>x</div>', 1],
    ['unclosed paragraphs and list items do not nest (the parser closes them)', '<ul><li><p>a<li><p>b<li>c</ul>', 1],
    ['a stray end tag closes nothing', '<div></span><div>x</div></div>', 2],
    ['an end tag closes what was left open inside it', '<div><span><b>x</div><div>y</div>', 3],
    ['script and comment contents are not markup', '<div><script>"<div><div><div>"</script><!-- <div><div> --></div>', 1],
    ['unclosed inline elements nest', '<span>a<span>b<span>c', 3],
  ];
  it.each(cases)('%s', (_, html, depth) => expect(nestingDepth(html, 100)).toBe(depth));

  it('stops counting past the limit', () => expect(nestingDepth('<div>'.repeat(1000), 10)).toBe(11));
});

describe('plainText: the fallback reading of a document too deep for the DOM', () => {
  const cases: [string, string, { title: string; paragraphs: string[]; scriptChars: number }][] = [
    [
      'blocks cut paragraphs, inline elements do not',
      '<title>T &amp; U</title><body><p>A <b>bold</b> claim</p><div>x<p>y</p></div>',
      { title: 'T & U', paragraphs: ['A bold claim', 'x', 'y'], scriptChars: 0 },
    ],
    [
      'hidden elements are skipped, nested ones included',
      '<p>a</p><template><template>t</template>still t</template><p>b</p><button>Click</button>',
      { title: '', paragraphs: ['a', 'b'], scriptChars: 0 },
    ],
    [
      'scripts and styles are counted or dropped, not read',
      '<p>x</p><script>var a = "<p>no</p>";</script><style>p{}</style>',
      { title: '', paragraphs: ['x'], scriptChars: 20 },
    ],
    [
      'character references are decoded, unknown ones kept',
      '<p>&lt;5&gt; &#8364;3 &#x41; &bogus; &quot;q&quot;</p>',
      { title: '', paragraphs: ['<5> €3 A &bogus; "q"'], scriptChars: 0 },
    ],
    ['a lone < is text', '<p>1 < 2</p>', { title: '', paragraphs: ['1 < 2'], scriptChars: 0 }],
    ['an unterminated comment ends the document', '<p>a</p><!-- <p>b</p>', { title: '', paragraphs: ['a'], scriptChars: 0 }],
  ];
  it.each(cases)('%s', (_, html, expected) => expect(plainText(html)).toEqual(expected));
});

describe('textBlocks on a deep DOM', () => {
  it('walks 50,000 nested elements without recursion', () => {
    type N = { nodeType: number; nodeValue?: string; localName?: string; childNodes: N[] };
    let node: N = { nodeType: 3, nodeValue: 'bottom', childNodes: [] };
    for (let i = 0; i < 50_000; i++)
      node = { nodeType: 1, localName: i % 2 ? 'div' : 'span', childNodes: [{ nodeType: 3, nodeValue: 'w', childNodes: [] }, node] };
    const blocks = textBlocks(node);
    // Each <div> cuts a paragraph; the <span> inside the innermost one does not.
    expect(blocks).toHaveLength(25_000);
    expect(blocks.at(-1)).toBe('wwbottom');
  });
});
