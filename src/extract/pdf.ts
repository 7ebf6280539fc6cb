import { getDocumentProxy } from 'unpdf';

export function isPdf(body: Uint8Array, contentType: string | null): boolean {
  if (contentType && /application\/(x-)?pdf/i.test(contentType)) return true;
  return body[0] === 0x25 && body[1] === 0x50 && body[2] === 0x44 && body[3] === 0x46; // %PDF
}

type Line = { text: string; y: number; page: number };
type TextItem = { str: string; transform: number[]; hasEOL?: boolean };

/**
 * Lines back into paragraphs: a paragraph ends where the vertical gap to the next line exceeds the
 * usual line spacing (a blank line in the layout) or at a page break. Re-flowed text (a word added
 * early in a paragraph, a redesign with narrower columns) then does not shift every line after it.
 */
export function joinLines(lines: Line[]): string[] {
  const gaps = lines
    .slice(1)
    .map((l, i) => (l.page === lines[i].page ? lines[i].y - l.y : 0))
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  // The usual spacing is the low end of the gaps: short documents have as many blank lines as lines.
  const leading = gaps.length ? gaps[Math.floor(gaps.length * 0.2)] : 0;
  const out: string[] = [];
  let current = '';
  lines.forEach((line, i) => {
    const prev = lines[i - 1];
    const breaks = prev && (prev.page !== line.page || prev.y - line.y > leading * 1.5 || prev.y - line.y < 0);
    if (breaks && current) {
      out.push(current);
      current = '';
    }
    if (current.endsWith('-') && /^\p{Ll}/u.test(line.text)) current = current.slice(0, -1) + line.text;
    else current = current ? `${current} ${line.text}` : line.text;
  });
  if (current) out.push(current);
  return out;
}

/** Title and paragraphs of a PDF (the title from its metadata, else its first line). */
export async function extractPdf(body: Uint8Array): Promise<{ title: string; paragraphs: string[] }> {
  // pdf.js transfers (detaches) the buffer it is given; the caller's bytes must stay usable.
  // pdf.js also refuses a Buffer: a plain Uint8Array copy serves both.
  // verbosity 0: pdf.js reports only errors, not its warnings about malformed files, on stdout.
  const document = await getDocumentProxy(new Uint8Array(body), { verbosity: 0 });
  try {
    const lines: Line[] = [];
    for (let page = 1; page <= document.numPages; page++) {
      const proxy = await document.getPage(page);
      const content = await proxy.getTextContent();
      // The page's fonts and operator lists are not needed again: a long document is read in a page's memory.
      proxy.cleanup();
      let text = '';
      let y = Number.NaN;
      const end = () => {
        const clean = text.replace(/\s+/g, ' ').trim();
        if (clean) lines.push({ text: clean, y, page });
        text = '';
      };
      for (const item of content.items as TextItem[]) {
        if (typeof item.str !== 'string') continue;
        if (text && Math.abs(item.transform[5] - y) > 1) end();
        if (!text) y = item.transform[5];
        text += item.str;
        if (item.hasEOL) end();
      }
      end();
    }
    const info = (await document.getMetadata().catch(() => null))?.info as { Title?: string } | undefined;
    return { title: info?.Title?.trim() || lines[0]?.text || '', paragraphs: joinLines(lines) };
  } finally {
    await document.destroy();
  }
}
