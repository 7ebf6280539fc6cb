import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { extractContent, EXTRACTOR_VERSION } from '../src/extract/index.js';
import { makePdf } from './fixtures/pages/makePdf.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('extractContent basics', () => {
  it('has a positive version', () => expect(EXTRACTOR_VERSION).toBeGreaterThan(0));

  it('extracts text from a hand-made PDF, joining wrapped lines into paragraphs', async () => {
    const pdf = makePdf([['Annual Report 2023', '', 'The agency spent $400,000 on consulting con-', 'tracts during the year.'], ['Page two.']], 'Annual Report');
    const out = await extractContent({ body: pdf, contentType: 'application/pdf', url: 'http://127.0.0.1/r.pdf' });
    expect(out.title).toBe('Annual Report');
    expect(out.paragraphs).toEqual(['Annual Report 2023', 'The agency spent $400,000 on consulting contracts during the year.', 'Page two.']);
    // The same bytes can be extracted twice (pdf.js detaches the buffer it is handed).
    // A Buffer (what zlib hands back) is accepted too, though pdf.js itself refuses one.
    const again = await extractContent({ body: Buffer.from(pdf), contentType: null, url: 'http://127.0.0.1/r.pdf' });
    expect(again.text).toBe(out.text);
  });

  it('decodes a windows-1252 page served with a lying charset=utf-8 header', async () => {
    const html = '<html><head><meta charset="windows-1252"><title>Café</title></head><body><p>Señor Müller said “yes” — €5.</p></body></html>';
    const out = await extractContent({ body: iconv.encode(html, 'windows-1252'), contentType: 'text/html; charset=utf-8', url: 'http://127.0.0.1/' });
    expect(out.text).toBe('Señor Müller said “yes” — €5.');
  });

  it('passes plain text through as paragraphs', async () => {
    const out = await extractContent({ body: enc('First para\nline two.\n\nSecond para.'), contentType: 'text/plain', url: 'http://127.0.0.1/a.txt' });
    expect(out.paragraphs).toEqual(['First para line two.', 'Second para.']);
  });
});
