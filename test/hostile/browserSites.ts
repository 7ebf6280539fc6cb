import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resolver } from '../../src/crawl/resolveTarget.js';

/**
 * Hostile sites for the browser path, all on loopback: "public" hosts in 127.1.200.0/24 (the range the
 * tests allow) and a canary on 127.0.0.1 (refused) that counts every TCP connection, request,
 * WebSocket upgrade and UDP datagram. Any count above zero is a byte that escaped the policy.
 */
export const ALLOWED = ['127.1.200.0/24'];
export const CANARY_SECRET = 'canary-secret-7f3a';

export type Canary = { port: number; connections: number; requests: string[]; upgrades: number; datagrams: number; close(): Promise<void> };

export async function startCanary(): Promise<Canary> {
  const server = http.createServer((req, res) => {
    canary.requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><div id="root">${CANARY_SECRET}</div></body></html>`);
  });
  server.on('connection', () => canary.connections++);
  server.on('upgrade', (_req, socket) => (canary.upgrades++, socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const udp = dgram.createSocket('udp4');
  udp.on('message', () => canary.datagrams++);
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve)).catch(() => {});
  const canary: Canary = {
    port,
    connections: 0,
    requests: [],
    upgrades: 0,
    datagrams: 0,
    close: async () => {
      udp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return canary;
}

export type Site = {
  address: string;
  port: number;
  origin(name: string): string;
  hits: string[];
  upgrades: number;
  sentBytes: number;
  close(): Promise<void>;
};

/** A host answering from a route table; a route returns [status, headers, body] or streams itself. */
export async function startSite(
  address: string,
  routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, site: Site) => void>,
): Promise<Site> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    site.hits.push(path);
    const route = routes[path];
    if (route) return route(req, res, site);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  server.on('upgrade', (_req, socket) => (site.upgrades++, socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as AddressInfo).port;
  const site: Site = {
    address,
    port,
    origin: (name) => `http://${name}:${port}`,
    hits: [],
    upgrades: 0,
    sentBytes: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return site;
}

export const html = (body: string) => (_req: http.IncomingMessage, res: http.ServerResponse) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
export const redirect =
  (to: () => string, status = 302) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) =>
    res.writeHead(status, { location: to(), 'content-length': 0 }).end();

/** An endless body, as fast as the reader takes it; counts what it managed to send. */
export const endless = (_req: http.IncomingMessage, res: http.ServerResponse, site: Site) => {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  res.writeHead(200, { 'content-type': 'text/html' });
  res.write('<html><body><div id="root">');
  const pump = () => {
    while (!res.destroyed && site.sentBytes < 200e6) {
      site.sentBytes += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('error', () => {});
  pump();
};

/** Names for the hosts; `rebind.test` answers an allowed address once, then the canary's. */
export function namesResolver(names: Record<string, string>): Resolver & { asked: string[] } {
  let rebinds = 0;
  const asked: string[] = [];
  const resolve = async (name: string) => {
    asked.push(name);
    if (name === 'rebind.test') return [rebinds++ === 0 ? names['a.test'] : '127.0.0.1'];
    if (names[name]) return [names[name]];
    throw new Error(`no such host ${name}`);
  };
  return Object.assign(resolve, { asked });
}

/** A script shell (little text, an app root, a large script) whose script does `script`. */
export function shell(script: string): string {
  return `<!doctype html><html><head><title>App</title></head><body><div id="root"></div><script>/*${'x'.repeat(6000)}*/\n${script}</script></body></html>`;
}

/** A story only a browser can read (the simulated web's script template). */
export const scriptArticle = (headline: string) => ({
  kind: 'article' as const,
  template: 'script' as const,
  article: {
    headline,
    byline: 'Grace Writer',
    published: '2024-05-02',
    paragraphs: [
      'Only a browser can read this sentence about the harbour contract.',
      'The council approved the harbour contract after a long debate.',
    ],
  },
});
