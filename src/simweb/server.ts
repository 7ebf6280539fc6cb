/**
 * The edge of the simulated web: one http.Server per logical host, each on its own loopback
 * address and all on the same port, carrying out what resolveRequest decides.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RequestLog, politenessOf } from './log.js';
import { makeNoise } from './noise.js';
import { gzipBomb, largeBodyChunks } from './payloads.js';
import { resolveRequest, type Plan } from './resolve.js';
import type { RequestRecord, SimWeb, WebSpec } from './types.js';

export type SimWebOptions = {
  port?: number;
  firstAddress?: string;
  /** Clock for the noise (timestamps); default Date.now. */
  clock?: () => number;
};

export const DEFAULT_FIRST_ADDRESS = '127.1.0.1';
/**
 * The addresses a simulated web takes by default: what its crawls allow as a private network
 * (CITEWATCH_ALLOW_PRIVATE_NETWORK), leaving 127.0.0.1 outside, so a canary there proves refusal.
 */
export const SIMULATED_WEB_RANGE = '127.1.0.0/16';

/** The web last started from each spec, so URLs built with the spec (labelled cases) can find their port. */
const webs = new WeakMap<WebSpec, SimWeb>();
export function boundWeb(spec: WebSpec): SimWeb | undefined {
  return webs.get(spec);
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts[0] !== 127 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`simweb: address ${ip} is not a loopback address (127.x.y.z)`);
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}
const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Addresses for the hosts in spec order (pinned ones kept), plus one spare that is never listened on. */
export function allocateAddresses(spec: WebSpec, firstAddress: string): { byHost: Map<string, string>; refused: string } {
  const used = new Set(Object.values(spec.hosts).flatMap((h) => (h.address ? [ipToInt(h.address)] : [])));
  let next = ipToInt(firstAddress);
  const take = (): string => {
    while (used.has(next) || (next & 255) === 0 || (next & 255) === 255) next++;
    used.add(next);
    return intToIp(next);
  };
  const byHost = new Map<string, string>();
  for (const [name, host] of Object.entries(spec.hosts)) byHost.set(name, host.address ?? take());
  return { byHost, refused: take() };
}

function listen(server: http.Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSimWeb(spec: WebSpec, options: SimWebOptions = {}): Promise<SimWeb> {
  const firstAddress = options.firstAddress ?? spec.firstAddress ?? DEFAULT_FIRST_ADDRESS;
  const { byHost, refused } = allocateAddresses(spec, firstAddress);
  const hostByAddress = new Map([...byHost].map(([h, a]) => [a, h]));
  const seed = spec.seed ?? 1;
  const clock = options.clock ?? Date.now;
  const log = new RequestLog();
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const hanging = new Set<RequestRecord>();
  let round = 0;
  let port = options.port ?? spec.port ?? 0;
  let closed = false;

  const url = (host: string, path = '/'): string => {
    const address = byHost.get(host);
    if (!address) throw new Error(`simweb: unknown host ${host}`);
    return `http://${address}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  };
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const handle =
    (hostName: string, address: string) =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const path = req.url ?? '/';
      const hitKey = `${round}\u0000${hostName}\u0000${path}`;
      const hit = hits.get(hitKey) ?? 0;
      hits.set(hitKey, hit + 1);
      const h = req.headers;
      const record = log.start({
        host: hostName,
        address,
        method: req.method ?? 'GET',
        path,
        round,
        hit,
        headers: {
          ifNoneMatch: h['if-none-match'],
          ifModifiedSince: h['if-modified-since'],
          userAgent: h['user-agent'],
          accept: h.accept,
          acceptEncoding: h['accept-encoding'],
        },
      });
      res.on('finish', () => log.end(record, 'answered', res.statusCode));
      res.on('close', () => log.end(record, hanging.delete(record) ? 'hung' : 'aborted', res.headersSent ? res.statusCode : null));
      let plan: Plan;
      try {
        plan = resolveRequest({
          hostName,
          host: spec.hosts[hostName],
          method: record.method,
          path,
          round,
          hit,
          ifNoneMatch: h['if-none-match'],
          ifModifiedSince: h['if-modified-since'],
          noise: makeNoise(seed, `${hostName}${path}`, record.seq, clock()),
          urlFor: url,
        });
      } catch (err) {
        plan = {
          kind: 'respond',
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: { type: 'bytes', data: Buffer.from(`simweb spec error: ${(err as Error).message}\n`) },
        };
      }
      carryOut(plan, req, res, record);
    };

  const carryOut = (plan: Plan, req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord): void => {
    if (plan.kind === 'hang') return void hanging.add(record);
    if (plan.kind === 'reset') {
      log.end(record, 'reset', null);
      const socket = req.socket as Socket & { resetAndDestroy?: () => void };
      return void (socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy());
    }
    const send = async (): Promise<void> => {
      const head = req.method === 'HEAD';
      const body = plan.body;
      let bytes: Uint8Array | undefined;
      if (body?.type === 'bytes') bytes = body.data;
      if (body?.type === 'gzipBomb') bytes = await gzipBomb(body.inflatedBytes);
      if (res.destroyed) return;
      const headers = { ...plan.headers };
      if (bytes) headers['content-length'] = String(bytes.length);
      res.writeHead(plan.status, headers);
      if (head || plan.status === 304 || !body) return void res.end();
      if (body.type === 'large') return streamChunks(res, largeBodyChunks(body.bytes)[Symbol.iterator]());
      if (plan.trickle && bytes) return trickle(res, bytes, plan.trickle.chunkBytes, plan.trickle.intervalMs);
      res.end(bytes);
    };
    const go = (): void => void send().catch((err: Error) => res.destroy(err));
    if (plan.delayMs) later(plan.delayMs, go);
    else go();
  };

  const trickle = (res: http.ServerResponse, bytes: Uint8Array, chunkBytes: number, intervalMs: number, from = 0): void => {
    if (res.destroyed) return;
    const to = Math.min(bytes.length, from + Math.max(1, chunkBytes));
    if (to >= bytes.length) return void res.end(bytes.subarray(from, to));
    res.write(bytes.subarray(from, to));
    later(intervalMs, () => trickle(res, bytes, chunkBytes, intervalMs, to));
  };

  const streamChunks = (res: http.ServerResponse, chunks: Iterator<Uint8Array>): void => {
    for (;;) {
      if (res.destroyed) return;
      const next = chunks.next();
      if (next.done) return void res.end();
      if (!res.write(next.value)) return void res.once('drain', () => streamChunks(res, chunks));
    }
  };

  const servers: http.Server[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      for (const [hostName, address] of byHost) {
        const server = http.createServer(handle(hostName, address));
        server.on('connection', (s: Socket) => {
          sockets.add(s);
          s.once('close', () => sockets.delete(s));
        });
        servers.push(server);
        port = await listen(server, address, port);
      }
      break;
    } catch (err) {
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
      const pinned = options.port ?? spec.port ?? 0;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || pinned !== 0 || attempt >= 10) {
        throw new Error(`simweb: cannot listen on port ${port} of the simulated hosts: ${(err as Error).message}`, { cause: err });
      }
      port = 0;
    }
  }

  const web: SimWeb = {
    get port() {
      return port;
    },
    hosts: [...byHost.keys()],
    url,
    hostOf: (raw) => {
      try {
        const u = new URL(raw);
        return Number(u.port) === port ? hostByAddress.get(u.hostname) : undefined;
      } catch {
        return undefined;
      }
    },
    addressOf: (host) =>
      byHost.get(host) ??
      (() => {
        throw new Error(`simweb: unknown host ${host}`);
      })(),
    refusedUrl: (path = '/') => `http://${refused}:${port}${path.startsWith('/') ? path : `/${path}`}`,
    setRound: (n) => {
      round = n;
    },
    get round() {
      return round;
    },
    get log() {
      return log.records;
    },
    politeness: () => politenessOf(log.records),
    waitForRequests: (n, opts = {}) => log.wait(n, opts.finished ?? false, opts.timeoutMs),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      for (const s of servers) s.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
  webs.set(spec, web);
  return web;
}
