import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { PrivateAllowance } from '../net/addressPolicy.js';
import { resolveTarget, type Resolver } from './resolveTarget.js';
import { proxyCredentials, connectAuthority, createRenderClock, forwardHeaders, refusalReason } from './browserProxyCore.js';

/**
 * The only way out for Chromium. Playwright's page.route sees neither redirect hops nor WebSockets,
 * and Chromium resolves and connects by itself; so every byte the browser sends goes through this
 * forwarding proxy (loopback only, ephemeral port), which resolves each target with our resolver,
 * checks every address against the policy and connects to exactly the checked address (no second
 * lookup for DNS to answer differently). Plain HTTP is forwarded request by request (so redirect
 * hops are seen, robots-checked and take a politeness turn); HTTPS and WebSockets arrive as CONNECT
 * tunnels, checked per connection. Each render is a session under its lane's login (browserLane.ts),
 * one render at a time: a request without a login whose render is under way gets 407 and goes
 * nowhere, and a session's bytes are counted against its cap.
 */
export type ProxyPolicy = {
  resolver: Resolver;
  allowance: PrivateAllowance;
  /** The politeness gate; `signal` gives up waiting when the render ends. */
  acquire(host: string, signal: AbortSignal): Promise<() => void>;
  /** robots.txt for a hop the page did not ask for itself (a redirect): true, or why not. */
  robotsAllow?(url: URL): Promise<true | string>;
  /** A server silent this long is given up, and the host's turn with it (config readTimeoutMs). */
  limits: { readTimeoutMs: number };
};

export type ProxySession = ReturnType<typeof newSession>;

/** Header the proxy sets on its own refusals, so a refused navigation is never archived as the page. */
export const REFUSED_HEADER = 'x-citewatch-refused';

/** A proxy login: a render lane's context keeps one and each of its renders opens a session under it. */
export function newProxyLogin(): { username: string; password: string } {
  return { username: `r${randomBytes(8).toString('hex')}`, password: randomBytes(18).toString('base64url') };
}

function newSession(maxBytes: number, acquire: ProxyPolicy['acquire'], login: { username: string; password: string }) {
  const sockets = new Set<Duplex>();
  const stop = new AbortController();
  const over = new AbortController();
  const clock = createRenderClock(() => performance.now());
  const s = {
    ...login,
    bytes: 0,
    overLimit: false,
    refusals: [] as string[],
    /** URLs page.route already checked and continued: not redirect hops, no robots check needed. */
    routed: new Set<string>(),
    signal: stop.signal,
    /** Aborted when the render passes its byte cap: the renderer stops waiting for the page. */
    overSignal: over.signal,
    /** The render's own time: it stops while a request of the render waits at the gate. */
    clock,
    get closed() {
      return stop.signal.aborted;
    },
    /** A turn at `host` for one request of this render; the render's clock stops while it waits. */
    async turn(host: string): Promise<() => void> {
      clock.waitStarted();
      try {
        return await acquire(host, stop.signal);
      } finally {
        clock.waitEnded();
      }
    },
    track(socket: Duplex): void {
      if (s.closed) return void socket.destroy();
      if (sockets.has(socket)) return; // a keep-alive connection carries many requests
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    },
    /** Counts bytes received for the page; past the cap every connection of the render is cut. */
    charge(n: number): boolean {
      s.bytes += n;
      if (s.bytes <= maxBytes) return true;
      s.overLimit = true;
      over.abort();
      for (const socket of sockets) socket.destroy();
      return false;
    },
    close(): void {
      stop.abort();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
  return s;
}

export async function startBrowserProxy(policy: ProxyPolicy) {
  const sessions = new Map<string, ProxySession>();
  const tunnels = new Set<Duplex>();
  const sessionOf = (req: http.IncomingMessage) => {
    const cred = proxyCredentials(req.headers['proxy-authorization']);
    const s = cred ? sessions.get(cred.username) : undefined;
    return s && !s.closed && s.password === cred!.password ? s : null;
  };

  async function check(session: ProxySession, url: URL, hop: boolean): Promise<{ address: string } | { refused: string }> {
    const target = await resolveTarget(url, policy.resolver, policy.allowance);
    if (!target.ok) return { refused: refusalReason(target) };
    if (hop && policy.robotsAllow) {
      const allowed = await policy.robotsAllow(url);
      if (allowed !== true) return { refused: allowed };
    }
    if (session.overLimit) return { refused: 'the render downloaded more than its cap' };
    return session.closed ? { refused: 'the render is over' } : { address: target.address };
  }

  const server = http.createServer(async (req, res) => {
    const session = sessionOf(req);
    if (!session) return void res.writeHead(407, { 'proxy-authenticate': 'Basic realm="citewatch"', 'content-length': 0 }).end();
    session.track(req.socket);
    let url: URL;
    try {
      url = new URL(req.url ?? '');
      if (url.protocol !== 'http:') throw new Error('not http');
    } catch {
      return void res.writeHead(400, { 'content-length': 0 }).end();
    }
    const refuse = (why: string, status = 403) => {
      session.refusals.push(`${url.href}: ${why}`);
      if (!res.headersSent)
        res.writeHead(status, {
          'content-type': 'text/plain',
          [REFUSED_HEADER]: encodeURIComponent(why).slice(0, 500),
          connection: 'close',
        });
      res.end(`citewatch refused this request: ${why}`);
    };
    const verdict = await check(session, url, !session.routed.delete(url.href));
    if ('refused' in verdict) return refuse(verdict.refused);
    let release: () => void;
    try {
      release = await session.turn(url.host);
    } catch {
      return refuse('the render ended before its turn at the host');
    }
    let released = false;
    const done = () => (released ? undefined : ((released = true), release()));
    if (session.closed) return (done(), refuse('the render is over'));
    const upstream = http.request({
      host: verdict.address,
      port: url.port || 80,
      method: req.method,
      path: url.pathname + url.search,
      headers: forwardHeaders(req.rawHeaders),
      agent: false,
      setHost: false,
      timeout: policy.limits.readTimeoutMs,
    });
    upstream.on('socket', (s) => session.track(s));
    // A server silent past the read timeout (a hung script) is given up and its host's turn given back
    // at once: held until the render ended, it starved the host's other renders at the gate.
    upstream.on('timeout', () => {
      upstream.destroy();
      if (res.writableEnded) return; // the answer was whole; only its connection lingered
      done();
      if (res.headersSent) res.destroy();
      else refuse(`no answer from ${url.host} for ${policy.limits.readTimeoutMs} ms`, 504);
    });
    upstream.on('error', () => {
      done();
      if (!res.headersSent) refuse('the server could not be reached');
      else if (!res.writableEnded) res.destroy();
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardHeaders(answer.rawHeaders));
      answer.on('data', (chunk: Buffer) =>
        session.charge(chunk.length) ? res.write(chunk) || (answer.pause(), res.once('drain', () => answer.resume())) : res.destroy(),
      );
      answer.on('end', () => (done(), res.end()));
      answer.on('error', () => (done(), res.destroy()));
    });
    res.on('close', () => (done(), upstream.destroy()));
    req.pipe(upstream);
  });

  // CONNECT: HTTPS and WebSockets. The tunnel goes to the checked address or nowhere.
  server.on('connect', async (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    client.on('error', () => {});
    tunnels.add(client);
    client.once('close', () => tunnels.delete(client));
    const session = sessionOf(req);
    if (!session)
      return void client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="citewatch"\r\nContent-Length: 0\r\n\r\n',
      );
    session.track(client);
    const authority = connectAuthority(req.url ?? '');
    const verdict = authority ? await check(session, new URL(`https://${authority.host}/`), false) : { refused: 'not a host:port' };
    if ('refused' in verdict) {
      session.refusals.push(`CONNECT ${req.url}: ${verdict.refused}`);
      return void client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    }
    const upstream = net.connect({ host: verdict.address, port: authority!.port });
    session.track(upstream);
    // Inside a tunnel the requests cannot be seen: one silent past the read timeout is cut with its tunnel,
    // so the browser's request fails and the turn the renderer took for it is given back.
    upstream.setTimeout(policy.limits.readTimeoutMs, () => client.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) =>
        session.charge(chunk.length)
          ? client.write(chunk) || (upstream.pause(), client.once('drain', () => upstream.resume()))
          : client.destroy(),
      );
      upstream.on('end', () => client.end());
    });
  });
  // A WebSocket over plain HTTP would be an Upgrade: never forwarded.
  server.on('upgrade', (_req, socket: Duplex) => socket.destroy());
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());

  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    /** Where the browser is told to send everything (`--proxy-server`). */
    server: `http://127.0.0.1:${port}`,
    port,
    /** A session for one render under `login`, which no other open session may hold; closing it refuses that login again. */
    open(maxBytes: number, login = newProxyLogin()): ProxySession {
      if (sessions.has(login.username)) throw new Error('a proxy login holds one render at a time');
      const s = newSession(maxBytes, policy.acquire, login);
      sessions.set(s.username, s);
      s.signal.addEventListener('abort', () => sessions.get(s.username) === s && sessions.delete(s.username), { once: true });
      return s;
    },
    async close(): Promise<void> {
      for (const s of sessions.values()) s.close();
      for (const t of tunnels) t.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type BrowserProxy = Awaited<ReturnType<typeof startBrowserProxy>>;
