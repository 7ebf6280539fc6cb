import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationPlans } from '../../src/crawl/browserLaunch.js';
import { startBrowserProxy } from '../../src/crawl/browserProxy.js';
import { connectAuthority, forwardHeaders, proxyCredentials } from '../../src/crawl/browserProxyCore.js';
import { createBrowserRenderer, type RendererOptions } from '../../src/crawl/browserRenderer.js';
import {
  ALLOWED,
  CANARY_SECRET,
  endless,
  html,
  namesResolver,
  redirect,
  shell,
  startCanary,
  startSite,
  type Canary,
  type Site,
} from './browserSites.js';

const CHROMIUM = '/usr/bin/chromium';

/** Every process below this one whose executable is Chromium (the wrapper execs it, so it is one of them). */
function chromiumDescendants(): { pid: number; uid: number; seccomp: number }[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      parent.set(Number(d), Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))![1]));
    } catch {}
  }
  const mine = (pid: number): boolean => pid === process.pid || (parent.has(pid) && pid > 1 && mine(parent.get(pid)!));
  return [...parent.keys()].filter(mine).flatMap((pid) => {
    try {
      if (!readlinkSync(`/proc/${pid}/exe`).includes('chromium')) return [];
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return [{ pid, uid: Number(/^Uid:\s+(\d+)/m.exec(status)![1]), seccomp: Number(/^Seccomp:\s+(\d+)/m.exec(status)?.[1] ?? 0) }];
    } catch {
      return [];
    }
  });
}

describe('the browser cannot reach a refused address, whatever the page does', () => {
  let canary: Canary;
  let a: Site, b: Site, c: Site;
  let names: Record<string, string>;
  const turns: string[] = [];
  const robotsAsked: string[] = [];
  let renderer: ReturnType<typeof createBrowserRenderer>;
  const C = () => `http://127.0.0.1:${canary.port}`;

  beforeAll(async () => {
    canary = await startCanary();
    const attack = () => `
      const C = ${JSON.stringify(C())}, A = ${JSON.stringify(a.origin('a.test'))};
      const quiet = (p) => p.catch(() => {});
      quiet(fetch(C + '/fetch'));
      quiet(fetch(A + '/to-canary'));
      quiet(fetch(A + '/to-canary-decimal'));
      quiet(fetch('https://127.0.0.1:${canary.port}/tls'));
      quiet(fetch('http://localhost:${canary.port}/localhost'));
      quiet(fetch('http://rebind.test:${canary.port}/rebind')); // allowed at the first lookup, the canary's at the next
      const x = new XMLHttpRequest(); x.open('GET', C + '/xhr'); x.send();
      for (const u of ['ws://127.0.0.1:${canary.port}/ws', 'ws://' + A.slice(7) + '/ws', 'wss://127.0.0.1:${canary.port}/wss']) try { new WebSocket(u); } catch {}
      try { new EventSource(C + '/sse'); } catch {}
      try { navigator.sendBeacon(C + '/beacon', 'x'); } catch {}
      document.body.insertAdjacentHTML('beforeend', '<img src="' + C + '/img"><iframe src="' + C + '/frame"></iframe><link rel="prefetch" href="' + C + '/prefetch"><link rel="preconnect" href="' + C + '"><link rel="stylesheet" href="' + A + '/to-canary">');
      if (navigator.serviceWorker) quiet(navigator.serviceWorker.register('/sw.js'));
      try { const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${canary.port}' }] }); pc.createDataChannel('x'); pc.createOffer().then((o) => pc.setLocalDescription(o)).catch(() => {}); } catch {}
      setTimeout(() => { document.getElementById('root').textContent = 'attack page rendered'; }, 200);`;
    a = await startSite('127.1.200.1', {
      '/attack': (req, res) => html(shell(attack()))(req, res),
      '/to-canary': redirect(() => `${C()}/redirected`),
      '/to-canary-decimal': redirect(() => `http://2130706433:${canary.port}/decimal`, 307),
      '/to-c': redirect(() => `${c.origin('c.test')}/private`),
      '/hop': redirect(() => `${a.origin('a.test')}/landing`),
      '/landing': html(shell(`document.getElementById('root').textContent = 'landed';`)),
      '/big': endless,
      '/sw.js': (_q, res) =>
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(`fetch(${JSON.stringify('http://127.0.0.1:')} + location.port)`),
    });
    b = await startSite('127.1.200.2', { '/to-canary': redirect(() => `${C()}/via-b`) });
    c = await startSite('127.1.200.3', { '/private': html('<p>robots says no</p>') });
    names = { 'a.test': a.address, 'b.test': b.address, 'c.test': c.address };
    renderer = createBrowserRenderer(options());
  });
  afterAll(async () => {
    await renderer?.close();
    await Promise.all([canary?.close(), a?.close(), b?.close(), c?.close()]);
  });

  function options(extra: Partial<RendererOptions> = {}): RendererOptions {
    return {
      executable: CHROMIUM,
      resolver: namesResolver(names),
      allowPrivateNetwork: ALLOWED,
      userAgent: 'citewatch-test/1.0',
      timeoutMs: 8000,
      readTimeoutMs: 5000,
      maxBytes: 2_000_000,
      acquire: async (host) => (turns.push(host), () => {}),
      robotsAllow: async (url) => (
        robotsAsked.push(url.href), url.hostname === 'c.test' ? `the robots.txt of ${url.host} disallows it` : true
      ),
      ...extra,
    };
  }
  const expectCanaryUntouched = () =>
    expect({ connections: canary.connections, requests: canary.requests, upgrades: canary.upgrades, datagrams: canary.datagrams }).toEqual({
      connections: 0,
      requests: [],
      upgrades: 0,
      datagrams: 0,
    });

  it('has Chromium', () => expect(existsSync(CHROMIUM)).toBe(true));

  it('refuses a navigation that redirects to loopback, and says so instead of archiving it', async () => {
    const r = await renderer.render({ url: `${a.origin('a.test')}/to-canary`, screenshot: false });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/refused.*127\.0\.0\.1.*loopback/);
    expectCanaryUntouched();
  });

  it('refuses a script shell that navigates itself (location.replace) to a host redirecting to loopback', async () => {
    const doc = shell(`location.replace(${JSON.stringify(`${b.origin('b.test')}/to-canary`)});`);
    const r = await renderer.render({
      url: `${a.origin('a.test')}/shell`,
      document: { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from(doc) },
      screenshot: false,
    });
    expect(r.ok).toBe(false);
    expect(b.hits).toContain('/to-canary');
    expectCanaryUntouched();
  });

  it('lets no fetch, XHR, WebSocket, redirect, subresource, beacon, prefetch, service worker, rebinding name or STUN packet through', async () => {
    const r = await renderer.render({ url: `${a.origin('a.test')}/attack`, screenshot: true });
    expect(r.ok && r.html).toContain('attack page rendered');
    expect(r.ok && r.html).not.toContain(CANARY_SECRET);
    expect(a.hits).toContain('/to-canary'); // the redirecting hops themselves were allowed ...
    expect(a.upgrades).toBe(0); // ... but no WebSocket connects, even to an allowed host
    await new Promise((resolve) => setTimeout(resolve, 500));
    expectCanaryUntouched();
  });

  it("follows a redirect only where the target's robots.txt allows it, and gives each hop its gate turn", async () => {
    turns.length = 0;
    const hop = await renderer.render({ url: `${a.origin('a.test')}/hop`, screenshot: false });
    expect(hop.ok && hop.html).toContain('landed');
    expect(turns.filter((h) => h === `a.test:${a.port}`).length).toBeGreaterThanOrEqual(2);
    expect(robotsAsked).toContain(`${a.origin('a.test')}/landing`);
    const refused = await renderer.render({ url: `${a.origin('a.test')}/to-c`, screenshot: false });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toContain('robots.txt of c.test');
    expect(c.hits).toEqual([]);
  });

  it('stops a render that downloads more than its cap, quickly', async () => {
    const t0 = performance.now();
    const r = await renderer.render({ url: `${a.origin('a.test')}/big`, screenshot: false });
    const ms = performance.now() - t0;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/more than 2000000 bytes/);
    expect(ms).toBeLessThan(6000);
    expect(a.sentBytes).toBeLessThan(30e6);
    console.log(
      `byte cap: render of an endless page stopped after ${Math.round(ms)} ms, ${(a.sentBytes / 1e6).toFixed(1)} MB sent by the server`,
    );
  });

  it('runs Chromium never as root, sandboxed where the kernel allows', async () => {
    const r = await renderer.render({ url: `${a.origin('a.test')}/landing`, screenshot: false });
    expect(r.ok).toBe(true);
    const procs = chromiumDescendants();
    expect(procs.length).toBeGreaterThan(0);
    expect(procs.filter((p) => p.uid === 0)).toEqual([]);
    const isolation = await renderer.isolation();
    console.log(
      `browser isolation on this machine: ${isolation}; ${procs.length} Chromium processes, uids ${[...new Set(procs.map((p) => p.uid))].join(',')}, ${procs.filter((p) => p.seccomp === 2).length} under a seccomp-bpf filter`,
    );
    expect(isolation).toMatch(/as (nobody|uid [1-9])/);
  });
});

describe('the browser proxy', () => {
  it('listens on loopback only, answers 407 without a render credential, and refuses tunnels to refused addresses', async () => {
    const canary = await startCanary();
    const proxy = await startBrowserProxy({
      resolver: namesResolver({}),
      allowance: ALLOWED,
      acquire: async () => () => {},
      limits: { readTimeoutMs: 5000 },
    });
    const ask = (headers: Record<string, string>, method = 'GET', path = `http://127.0.0.1:${canary.port}/`) =>
      new Promise<number>((resolve) =>
        http
          .request({ host: '127.0.0.1', port: proxy.port, method, path, headers }, (res) => (res.resume(), resolve(res.statusCode!)))
          .on('error', () => resolve(-1))
          .end(),
      );
    const connect = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const s = net.connect(proxy.port, '127.0.0.1', () =>
          s.write(
            `CONNECT 127.0.0.1:${canary.port} HTTP/1.1\r\n${Object.entries(headers)
              .map(([k, v]) => `${k}: ${v}\r\n`)
              .join('')}\r\n`,
          ),
        );
        s.once('data', (d) => (resolve(d.toString('latin1').split('\r\n')[0]), s.destroy()));
        s.on('error', () => resolve('error'));
      });
    try {
      expect(proxy.server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const session = proxy.open(1e6);
      const auth = { 'proxy-authorization': `Basic ${Buffer.from(`${session.username}:${session.password}`).toString('base64')}` };
      expect(await ask({})).toBe(407);
      expect(await ask({ 'proxy-authorization': `Basic ${Buffer.from(`${session.username}:wrong`).toString('base64')}` })).toBe(407);
      expect(await connect({})).toMatch(/ 407 /);
      expect(await ask(auth)).toBe(403);
      expect(await connect(auth)).toMatch(/ 403 /);
      session.close();
      expect(await ask(auth)).toBe(407);
      expect(canary.connections).toBe(0);
    } finally {
      await proxy.close();
      await canary.close();
    }
  });
});

describe('browser isolation and proxy helpers (pure)', () => {
  it('never plans to run Chromium as root; sandbox first, unsandboxed only as a fallback', () => {
    expect(isolationPlans(0, true)).toEqual([
      { asNobody: true, sandbox: true },
      { asNobody: true, sandbox: false },
    ]);
    expect(isolationPlans(0, false)).toEqual([]);
    expect(isolationPlans(1000, false)).toEqual([
      { asNobody: false, sandbox: true },
      { asNobody: false, sandbox: false },
    ]);
  });
  it('reads proxy credentials and CONNECT authorities strictly, and drops hop-by-hop headers', () => {
    expect(proxyCredentials(`Basic ${Buffer.from('r1:p:w').toString('base64')}`)).toEqual({ username: 'r1', password: 'p:w' });
    expect(proxyCredentials('Bearer x')).toBeNull();
    expect(proxyCredentials(undefined)).toBeNull();
    expect(connectAuthority('example.org:443')).toEqual({ host: 'example.org', port: 443 });
    expect(connectAuthority('[::1]:80')).toEqual({ host: '[::1]', port: 80 });
    for (const bad of ['example.org', 'a:0', 'a:70000', 'user@a:443', 'a:443/x']) expect(connectAuthority(bad)).toBeNull();
    expect(
      forwardHeaders([
        'Host',
        'a',
        'Proxy-Authorization',
        'x',
        'Connection',
        'keep-alive, X-Secret',
        'X-Secret',
        's',
        'Set-Cookie',
        '1',
        'Set-Cookie',
        '2',
      ]),
    ).toEqual(['Host', 'a', 'Set-Cookie', '1', 'Set-Cookie', '2']);
  });
});
