import type { Target } from './resolveTarget.js';

/** Pure helpers of the browser proxy: strings in, plain data out. */

/** `Proxy-Authorization: Basic base64(user:pass)` as the browser sends it once challenged; null otherwise. */
export function proxyCredentials(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { username: text.slice(0, colon), password: text.slice(colon + 1) } : null;
}

/** The `host:port` of a CONNECT line (`[v6]:port` for IPv6); null when it is not one. */
export function connectAuthority(authority: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]@]+):(\d{1,5})$/.exec(authority);
  if (!m) return null;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1], port } : null;
}

// Hop-by-hop and proxy headers are the proxy's business, never forwarded either way.
const HOP = new Set([
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Raw headers (flat, as Node gives and takes them) minus hop-by-hop ones and any Connection names. */
export function forwardHeaders(raw: string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i].toLowerCase() === 'connection') raw[i + 1].split(',').forEach((t) => named.add(t.trim().toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP.has(name) && !named.has(name)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** Why a target was refused, in the words a capture's message uses. */
export function refusalReason(target: Exclude<Target, { ok: true }>): string {
  if (target.reason === 'refused-address')
    return `${target.url.hostname} is at ${target.address} (${target.cls}); private networks are not crawled`;
  return target.message;
}

/**
 * A render's clock, stopped while any of its requests waits for a turn at citewatch's own politeness
 * gate: that wait is the crawler's queue (another page of the host holding its turn), not the page
 * being slow, and must never run out a render's time. The waits are bounded apart (renderVerdict).
 */
export function createRenderClock(now: () => number) {
  const start = now();
  let waiting = 0;
  let since = 0;
  let waitedMs = 0;
  const open = () => (waiting > 0 ? now() - since : 0);
  return {
    waitStarted(): void {
      if (waiting++ === 0) since = now();
    },
    waitEnded(): void {
      if (--waiting === 0) waitedMs += now() - since;
    },
    /** The time the page has had: wall time less the time something of it waited at the gate. */
    activeMs: () => now() - start - waitedMs - open(),
    /** The time at least one of its requests waited for a turn. */
    gateMs: () => waitedMs + open(),
  };
}

export type RenderClock = ReturnType<typeof createRenderClock>;

/**
 * Whether a render must stop: `timeout` when the page used up its own time, `not-attempted` when it
 * waited for turns at the gate past the separate bound (the host's queue never let it through: no
 * fact about the page), or null to go on.
 */
export function renderVerdict(
  clock: { activeMs(): number; gateMs(): number },
  limits: { timeoutMs: number; gateWaitMaxMs: number },
): 'timeout' | 'not-attempted' | null {
  if (clock.gateMs() > limits.gateWaitMaxMs) return 'not-attempted';
  if (clock.activeMs() > limits.timeoutMs) return 'timeout';
  return null;
}
