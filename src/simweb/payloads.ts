/** Bodies that are hard on a crawler: a gzip bomb, an endless-looking large body, mis-declared charsets. */
import { createGzip } from 'node:zlib';
import iconv from 'iconv-lite';
import type { CharsetMode } from './types.js';

export const DEFAULT_BOMB_BYTES = 256 * 1024 * 1024;
const bombs = new Map<number, Promise<Uint8Array>>();

/** Gzip of `inflatedBytes` zero bytes (about 1 KB per MB inflated); built once per size and kept. */
export function gzipBomb(inflatedBytes = DEFAULT_BOMB_BYTES): Promise<Uint8Array> {
  let bomb = bombs.get(inflatedBytes);
  if (!bomb) {
    bomb = new Promise<Uint8Array>((resolve, reject) => {
      const gzip = createGzip({ level: 9 });
      const parts: Buffer[] = [];
      gzip.on('data', (chunk: Buffer) => parts.push(chunk));
      gzip.on('end', () => resolve(Buffer.concat(parts)));
      gzip.on('error', reject);
      const zeros = Buffer.alloc(1024 * 1024);
      let left = inflatedBytes;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, zeros.length);
          left -= n;
          if (!gzip.write(n === zeros.length ? zeros : zeros.subarray(0, n))) return void gzip.once('drain', pump);
        }
        gzip.end();
      };
      pump();
    });
    bombs.set(inflatedBytes, bomb);
  }
  return bomb;
}

/** Chunk number `index` of a large HTML-ish body: repetitive filler, so it costs nothing to make. */
export function largeBodyChunks(totalBytes: number, chunkBytes = 64 * 1024): Iterable<Uint8Array> {
  const filler = Buffer.from(
    '<p>lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>\n'.repeat(Math.ceil(chunkBytes / 88)),
  ).subarray(0, chunkBytes);
  const head = Buffer.from('<!doctype html><html><head><title>Archive dump</title></head><body>\n');
  return {
    *[Symbol.iterator]() {
      let sent = 0;
      if (totalBytes > 0) {
        const first = head.subarray(0, Math.min(head.length, totalBytes));
        sent += first.length;
        yield first;
      }
      while (sent < totalBytes) {
        const piece = filler.subarray(0, Math.min(filler.length, totalBytes - sent));
        sent += piece.length;
        yield piece;
      }
    },
  };
}

/** The bytes of an HTML document in `mode.bytes`, with Content-Type declaring `mode.header` (or nothing). */
export function encodeHtml(html: string, mode: CharsetMode | undefined): { body: Uint8Array; contentType: string } {
  if (!mode) return { body: Buffer.from(html, 'utf8'), contentType: 'text/html; charset=utf-8' };
  const withMeta = mode.meta ? html.replace('<head>', `<head><meta charset="${mode.meta}">`) : html;
  return {
    body: iconv.encode(withMeta, mode.bytes),
    contentType: mode.header ? `text/html; charset=${mode.header}` : 'text/html',
  };
}
