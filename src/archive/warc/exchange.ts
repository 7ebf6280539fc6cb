import { sha256 } from '../../sha256.js';
import { STATUS_CODES } from 'node:http';

/**
 * How an archived exchange is written back as HTTP inside WARC records. Pure: plain data in, header
 * lists and status lines out.
 */

export type HeaderList = [string, string][];

/** What the export knows of one capture's exchange. */
export type ExchangeFacts = {
  finalUrl: string;
  httpStatus: number;
  /** The response headers as received (null on captures from before they were kept). */
  responseHeaderList: HeaderList | null;
  /** The allow-listed, lower-cased headers every capture has. */
  keptHeaders: Record<string, string>;
  request: { method: string; url: string; httpVersion: string; headers: HeaderList } | null;
};

/** Headers that describe the bytes on the wire, not the decoded body the archive holds. */
const TRANSPORT = new Set(['content-encoding', 'transfer-encoding']);
/** Where a header renamed for the decoded body keeps its original value (pywb's prefix for original headers). */
export const ORIGINAL_PREFIX = 'X-Archive-Orig-';

/** "HTTP/1.1 404 Not Found". */
export function statusLine(status: number, httpVersion = '1.1'): string {
  return `HTTP/${httpVersion} ${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

/**
 * The response headers for a record whose payload is the body as archived: decoded (no gzip, no
 * chunks). Content-Encoding and Transfer-Encoding (and a Content-Length that no longer matches) are
 * kept under X-Archive-Orig- so no reader decodes the body twice; a Content-Length for the stored
 * bytes ends the list when none matches. Order and repeats otherwise as given.
 */
export function headersForStoredBody(headers: HeaderList, bodyLength: number): HeaderList {
  let lengthMatches = false;
  const out: HeaderList = headers.map(([name, value]): [string, string] => {
    const lower = name.toLowerCase();
    if (TRANSPORT.has(lower) && !(lower === 'content-encoding' && value.trim().toLowerCase() === 'identity'))
      return [`${ORIGINAL_PREFIX}${name}`, value];
    if (lower === 'content-length') {
      if (value.trim() === String(bodyLength) && !lengthMatches) return ((lengthMatches = true), [name, value]);
      return [`${ORIGINAL_PREFIX}${name}`, value];
    }
    return [name, value];
  });
  if (!lengthMatches) out.push(['Content-Length', String(bodyLength)]);
  return out;
}

/** The response headers to write: as received when kept, else the allow-listed ones (say which). */
export function responseHeaders(f: ExchangeFacts): { headers: HeaderList; origin: 'as-received' | 'kept-subset' } {
  if (f.responseHeaderList) return { headers: f.responseHeaderList, origin: 'as-received' };
  return { headers: Object.entries(f.keptHeaders), origin: 'kept-subset' };
}

/**
 * The request line and headers: as sent when the capture kept them, else rebuilt from what is known
 * (GET of the final URL with its Host), which the record says.
 */
export function requestHead(f: ExchangeFacts): { statusline: string; headers: HeaderList; origin: 'as-sent' | 'reconstructed' } {
  const url = new URL(f.request?.url ?? f.finalUrl);
  const target = `${url.pathname}${url.search}`;
  if (f.request)
    return { statusline: `${f.request.method} ${target} HTTP/${f.request.httpVersion}`, headers: f.request.headers, origin: 'as-sent' };
  return { statusline: `GET ${target} HTTP/1.1`, headers: [['Host', url.host]], origin: 'reconstructed' };
}

/** A sha256 as WARC digests write it: `sha256:` and the RFC 4648 base32 of the digest. */
export function warcDigest(sha256Hex: string): string {
  return `sha256:${base32(Buffer.from(sha256Hex, 'hex'))}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

/**
 * A record id derived from what the record is (the capture and its part), so exporting the same
 * capture twice gives the same id and a revisit can name the record it refers to without the export
 * remembering every record it wrote. Formatted as an RFC 9562 version-8 UUID.
 */
export function recordId(capture: { id: number; at: Date; url: string }, part: 'request' | 'response' | 'revisit' | 'metadata'): string {
  const h = sha256(`citewatch ${capture.id} ${capture.at.toISOString()} ${capture.url} ${part}`);
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `<urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}>`;
}
