import { extractText, getDocumentProxy } from 'unpdf';

export function isPdf(body: Uint8Array, contentType: string | null): boolean {
  if (contentType && /application\/(x-)?pdf/i.test(contentType)) return true;
  return body[0] === 0x25 && body[1] === 0x50 && body[2] === 0x44 && body[3] === 0x46; // %PDF
}

/**
 * Lines wrapped by the layout are joined back into paragraphs: a line ends a paragraph when it ends
 * a sentence, so re-flowed text (a word added early in a paragraph) does not shift every line after it.
 */
export function joinLines(lines: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current.endsWith('-') && /^\p{Ll}/u.test(line)) current = current.slice(0, -1) + line;
    else current = current ? `${current} ${line}` : line;
    if (/[.!?:;"”)]$/.test(line)) {
      out.push(current);
      current = '';
    }
  }
  if (current) out.push(current);
  return out;
}

/** Title and paragraphs of a PDF (the title from its metadata, else its first line). */
export async function extractPdf(body: Uint8Array): Promise<{ title: string; paragraphs: string[] }> {
  // pdf.js transfers (detaches) the buffer it is given; the caller's bytes must stay usable.
  const document = await getDocumentProxy(body.slice());
  try {
    const { text } = await extractText(document, { mergePages: false });
    const lines = text.flatMap((page) => page.split(/\n/)).map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
    const info = (await document.getMetadata().catch(() => null))?.info as { Title?: string } | undefined;
    return { title: info?.Title?.trim() || lines[0] || '', paragraphs: joinLines(lines) };
  } finally {
    await document.destroy();
  }
}
