/**
 * A tiny PDF writer: real, valid PDF 1.4 with the text in Helvetica Tj operators (WinAnsi), so
 * any PDF text extractor recovers it. No compression, so tests can also find the text in the bytes.
 */
import iconv from 'iconv-lite';
import type { Skin } from './types.js';

export type PdfDocument = { title: string; lines: string[]; skin?: Skin };

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;

/** Wraps prose into lines of at most `width` characters, keeping blank lines between paragraphs. */
export function wrapParagraphs(paragraphs: string[], width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    lines.push('');
  }
  return lines;
}

/** A PDF string literal in WinAnsi bytes; anything outside ASCII goes as an octal escape. */
function pdfString(text: string): string {
  const bytes = iconv.encode(text, 'windows-1252');
  let out = '(';
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out})`;
}

/** A document-information string: UTF-16BE with a BOM, as hex (PDFDocEncoding would turn ’ into ™). */
function textString(text: string): string {
  const units = Buffer.from(text, 'utf16le').swap16();
  return `<FEFF${units.toString('hex').toUpperCase()}>`;
}

export function renderPdf(doc: PdfDocument): Uint8Array {
  const redesign = doc.skin === 'redesign';
  const fontSize = redesign ? 10 : 11;
  const leading = redesign ? 13 : 15;
  const margin = redesign ? 54 : 72;
  const perPage = Math.floor((PAGE_HEIGHT - 2 * margin) / leading);
  const pages: string[][] = [];
  for (let i = 0; i < doc.lines.length; i += perPage) pages.push(doc.lines.slice(i, i + perPage));
  if (pages.length === 0) pages.push(['']);

  // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then (page, contents) pairs.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 5 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = `<< /Title ${textString(doc.title)} /Producer (citewatch simweb) >>`;
  pages.forEach((lines, i) => {
    const ops = [`BT /F1 ${fontSize} Tf ${leading} TL ${margin} ${PAGE_HEIGHT - margin} Td`];
    for (const line of lines) ops.push(`${pdfString(line)} Tj T*`);
    ops.push('ET');
    const stream = ops.join('\n');
    objects[pageIds[i]] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`;
    objects[pageIds[i] + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });

  // Everything above is ASCII, so string length equals byte length for the xref offsets.
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefAt = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
