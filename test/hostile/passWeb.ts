/**
 * The hostile web for the permanent hostile pass: one simulated host whose routes each try one
 * attack, a canary on addresses the crawl must never reach, and a DNS that lies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resolver } from '../../src/crawl/resolveTarget.js';
import type { Behaviour, PageSpec, WebSpec } from '../../src/simweb/index.js';

/** A server on 127.0.0.1 and ::1 (same port) that counts every connection, whatever is sent on it. */
export type Canary = { port: number; connections(): number; close(): Promise<void> };

export async function startCanary(): Promise<Canary> {
  let connections = 0;
  const servers: http.Server[] = [];
  const serve = (address: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = http.createServer((_req, res) => res.end('canary: you should not be here'));
      server.on('connection', () => connections++);
      server.on('upgrade', (_req, socket) => socket.destroy());
      server.once('error', reject);
      server.listen(port, address, () => resolve((server.address() as AddressInfo).port));
      servers.push(server);
    });
  const port = await serve('127.0.0.1', 0);
  // ::1 may be missing in a container without IPv6; the 127.0.0.1 canary still counts.
  await serve('::1', port).catch(() => servers.pop());
  return {
    port,
    connections: () => connections,
    close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)).then(() => s.closeAllConnections()))).then(() => undefined),
  };
}

/** Every spelling of a refused address a redirect might use to reach the canary or its neighbours. */
export function refusedTargets(port: number): Record<string, string> {
  return {
    dotted: `http://127.0.0.1:${port}/`,
    decimal: `http://2130706433:${port}/`,
    octal: `http://0177.0.0.1:${port}/`,
    hex: `http://0x7f.0.0.1:${port}/`,
    short: `http://127.1:${port}/`,
    'v4-mapped': `http://[::ffff:127.0.0.1]:${port}/`,
    'v4-mapped-hex': `http://[::ffff:7f00:1]:${port}/`,
    nat64: `http://[64:ff9b::7f00:1]:${port}/`,
    'v6-loopback': `http://[::1]:${port}/`,
    'link-local': 'http://[fe80::1]/',
    metadata: 'http://169.254.169.254/latest/meta-data/',
    private: 'http://10.0.0.1/',
    'name-to-loopback': `http://localhost:${port}/`,
    'wildcard-dns': `http://127.0.0.1.nip.io:${port}/`,
  };
}

/**
 * Names the crawl may look up: loopback tricks, and `rebind.test`, which answers the simulated web's
 * address once and the canary's ever after (a fetch must connect where it checked).
 */
export function lyingResolver(webAddress: string): Resolver & { lookups: Map<string, number> } {
  const lookups = new Map<string, number>();
  const resolver = async (name: string): Promise<string[]> => {
    const n = (lookups.get(name) ?? 0) + 1;
    lookups.set(name, n);
    if (name === 'localhost' || name === '127.0.0.1.nip.io') return ['127.0.0.1'];
    if (name === 'rebind.test') return n === 1 ? [webAddress] : ['127.0.0.1'];
    throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  return Object.assign(resolver, { lookups });
}

/** A page that only a browser can read (the extractor's script-shell signals), running `script`. */
function scriptShell(script: string, head = ''): Behaviour {
  const padding = `/* ${'app bundle '.repeat(600)} */`;
  const body = `<!doctype html><html><head><title>App</title>${head}</head><body><div id="root"></div><script>${script}\n${padding}</script></body></html>`;
  return { kind: 'raw', status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

const html = (body: string, headers: Record<string, string> = {}): Behaviour => ({
  kind: 'raw',
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body,
});

/**
 * Where the hostile hosts listen: pinned, so pages can name their own URLs. Script attacks live on
 * their own host: a host with one page that needs a browser is rendered first for all its pages.
 */
export const HOSTILE_ADDRESS = '127.1.200.1';
export const APP_ADDRESS = '127.1.200.2';

/** The attack routes of host `hostile.example` on `port`, each a cited URL of the hostile timeline. */
export function hostileSpec(canaryPort: number, port: number): WebSpec {
  const canary = `http://127.0.0.1:${canaryPort}`;
  const hostileUrl = (path: string) => `http://${HOSTILE_ADDRESS}:${port}${path}`;
  const pages: Record<string, PageSpec> = {
    '/gzip-bomb': { kind: 'gzipBomb' },
    '/endless': { kind: 'large', bytes: 10 * 1024 ** 3 },
    '/trickle': { kind: 'slow', trickle: { chunkBytes: 1, intervalMs: 200 }, then: html('<p>never all of it</p>') },
    '/huge-headers': { kind: 'raw', status: 200, headers: { 'x-padding': 'a'.repeat(256 * 1024) }, body: 'tiny' },
    '/loop': { kind: 'redirect', status: 302, location: '/loop' },
    '/chain/0': { kind: 'redirect', status: 301, location: '/chain/1' },
    '/nul': html(`<title>Null\u0000title</title><h1>Head\u0000line</h1><p>${'Text with a NUL \u0000 byte in it. '.repeat(40)}</p>`),
    '/bad-charset': {
      kind: 'raw',
      status: 200,
      headers: { 'content-type': 'text/html; charset=x-no-such-charset' },
      body: new Uint8Array([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0x3c, 0x2f, 0x70, 0x3e]),
    },
    '/lying-charset': {
      kind: 'raw',
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-16le' },
      body: `<meta charset="shift_jis"><p>${'Plain ASCII story text. '.repeat(50)}</p>`,
    },
    '/deep': html(`${'<div>'.repeat(100_000)}deep text${'</div>'.repeat(100_000)}`),
    '/links': html(`<h1>Links</h1>${Array.from({ length: 50_000 }, (_, i) => `<a href="/l/${i}">link ${i}</a>`).join(' ')}`),
    '/regex': html(
      `<article><h1>Runs</h1><p>${'-'.repeat(65_536)}</p><p>${'+/'.repeat(32_768)}</p><p>${'a'.repeat(65_536)}=</p></article>`,
    ),
    '/bad-pdf': {
      kind: 'raw',
      status: 200,
      headers: { 'content-type': 'application/pdf' },
      body: '%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 99999 0 R >> endobj\ntrailer << /Root 1 0 R /Size 999999999 >>\n%%EOF',
    },
    '/truncated-pdf': {
      kind: 'raw',
      status: 200,
      headers: { 'content-type': 'application/pdf' },
      body: '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 10000 /Filter /FlateDecode >>\nstream\nx\x9c',
    },
    '/rebind-page': html(
      `<article><h1>Rebinding</h1><p>${'A page served under a name that later points at loopback. '.repeat(20)}</p></article>`,
    ),
  };
  const appPages: Record<string, PageSpec> = {
    '/script-loop': scriptShell('while (true) {}'),
    '/script-exfiltrate': scriptShell(
      [
        `try { new WebSocket('ws://127.0.0.1:${canaryPort}/ws'); } catch (e) {}`,
        `fetch('${canary}/fetch').catch(() => {});`,
        `fetch('${hostileUrl('/to/dotted')}').catch(() => {});`,
        `var x = new XMLHttpRequest(); x.open('GET', 'http://[::1]:${canaryPort}/xhr'); x.send();`,
        `var i = new Image(); i.src = '${canary}/img';`,
        `navigator.serviceWorker && navigator.serviceWorker.register('/sw.js').catch(() => {});`,
        `document.getElementById('root').innerHTML = '<article><h1>Rendered story</h1><p>' + 'The rendered story text goes on. '.repeat(60) + '</p></article>';`,
      ].join('\n'),
      `<link rel="prefetch" href="${canary}/prefetch"><link rel="preconnect" href="${canary}"><link rel="stylesheet" href="${canary}/style.css">`,
    ),
    '/script-navigate': scriptShell(`location.replace('${hostileUrl('/to/decimal')}');`),
    '/sw.js': {
      kind: 'raw',
      status: 200,
      headers: { 'content-type': 'text/javascript' },
      body: `self.addEventListener('install', () => fetch('${canary}/sw'));`,
    },
  };
  for (let i = 1; i < 30; i++) pages[`/chain/${i}`] = { kind: 'redirect', status: 301, location: `/chain/${i + 1}` };
  for (const [name, target] of Object.entries(refusedTargets(canaryPort)))
    pages[`/to/${name}`] = { kind: 'redirect', status: 302, location: target };
  const robotsTxt = 'User-agent: *\nAllow: /\n';
  return {
    port,
    hosts: {
      'hostile.example': { address: HOSTILE_ADDRESS, pages, robotsTxt },
      'app.hostile.example': { address: APP_ADDRESS, pages: appPages, robotsTxt },
    },
  };
}
