import iconv from 'iconv-lite';

/** WHATWG maps these labels to windows-1252, which is what servers that send them really mean. */
const ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'x-sjis': 'shift_jis',
  utf8: 'utf-8',
};

export function charsetFromContentType(contentType: string | null): string | null {
  const match = contentType?.match(/charset\s*=\s*["']?([\w.:-]+)/i);
  return match ? match[1].toLowerCase() : null;
}

/** The <meta charset> or http-equiv declaration in the first bytes, as the HTML prescan reads it. */
export function charsetFromMeta(head: string): string | null {
  const direct = head.match(/<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i);
  return direct ? direct[1].toLowerCase() : null;
}

function bomCharset(body: Uint8Array): { charset: string; skip: number } | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { charset: 'utf-8', skip: 3 };
  if (body[0] === 0xfe && body[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  if (body[0] === 0xff && body[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  return null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(body: Uint8Array): boolean {
  try {
    strictUtf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

function usable(label: string | null): string | null {
  if (!label) return null;
  const name = ALIASES[label] ?? label;
  return iconv.encodingExists(name) ? name : null;
}

/**
 * Bytes to text. Order: BOM, Content-Type charset, <meta> declaration, then UTF-8 if the bytes are
 * valid UTF-8, else windows-1252. A declared UTF-8 that the bytes contradict is the commonest lie on
 * the web (a legacy page behind a proxy that adds charset=utf-8), so it yields to the meta tag or 1252.
 */
export function decodeBody(body: Uint8Array, contentType: string | null, sniffMeta = true): { text: string; charset: string } {
  const bom = bomCharset(body);
  if (bom) return { text: iconv.decode(Buffer.from(body.subarray(bom.skip)), bom.charset), charset: bom.charset };
  const head = sniffMeta ? Buffer.from(body.subarray(0, 4096)).toString('latin1') : '';
  const declared = [usable(charsetFromContentType(contentType)), usable(charsetFromMeta(head))].filter((c): c is string => c !== null);
  const validUtf8 = isValidUtf8(body);
  // Legacy text that happens to be valid UTF-8 with multi-byte sequences is vanishingly rare, so such
  // bytes are UTF-8 whatever a single-byte declaration says (the reverse lie of the one above).
  const multiByteUtf8 = validUtf8 && body.some((b) => b >= 0x80);
  for (const charset of declared) {
    if (charset === 'utf-8' && !validUtf8) continue;
    if (multiByteUtf8 && /^(windows-125\d|iso-8859-\d+)$/.test(charset))
      return { text: iconv.decode(Buffer.from(body), 'utf-8'), charset: 'utf-8' };
    return { text: iconv.decode(Buffer.from(body), charset), charset };
  }
  const charset = validUtf8 ? 'utf-8' : 'windows-1252';
  return { text: iconv.decode(Buffer.from(body), charset), charset };
}
