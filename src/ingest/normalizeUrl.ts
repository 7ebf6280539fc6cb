/**
 * The one spelling under which a cited page is stored, so that the same page cited twice is one
 * source. Pure. Conservative on purpose: only differences that cannot change which page a server
 * returns are removed (scheme/host case, default ports, fragments, well-known tracking parameters).
 * Path case, trailing slashes, `www.` and parameter order are kept: servers may treat them apart.
 */
export type NormalizedUrl = { ok: true; url: string; host: string } | { ok: false; reason: string; kind: UrlProblem };

/** Why a cited URL cannot be used (also the rejection kinds the ingest reports). */
export type UrlProblem = 'missing-url' | 'not-a-url' | 'no-scheme' | 'unsupported-scheme' | 'invalid-url';

/** Query parameters that only say who sent the reader, matched case-insensitively. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'igshid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  // Google "article access" tokens: per-reader paywall passes, not part of the page's identity.
  'gaa_at',
  'gaa_ts',
  'gaa_sig',
  'gaa_n',
]);
const TRACKING_PREFIXES = ['utm_'];

const SUPPORTED_SCHEMES = new Set(['http:', 'https:']);
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

export function normalizeUrl(raw: string): NormalizedUrl {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return { ok: false, kind: 'missing-url', reason: 'no URL given' };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  // "Reuters: Markets" has a colon but is prose, not an opaque URL.
  if (/\s/.test(text) && !text.includes('://')) return withoutScheme(text);
  if (!scheme || (isHostPort(text) && !text.includes('//'))) return withoutScheme(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, kind: 'invalid-url', reason: `"${text}" is not a valid URL` };
  }
  if (!SUPPORTED_SCHEMES.has(url.protocol)) {
    return {
      ok: false,
      kind: 'unsupported-scheme',
      reason: `unsupported scheme "${url.protocol.slice(0, -1)}" in "${text}" (only http and https)`,
    };
  }
  if (!url.hostname) return { ok: false, kind: 'invalid-url', reason: `"${text}" has no host` };
  // WHATWG URL already lower-cases scheme and host, drops default ports and punycodes names.
  if (url.port === DEFAULT_PORTS[url.protocol]) url.port = '';
  url.hostname = url.hostname.replace(/\.$/, '');
  url.hash = '';
  url.username = '';
  url.password = '';
  stripTracking(url);
  return { ok: true, url: url.toString(), host: url.host };
}

/** `example.com:8080/x` parses as scheme "example.com"; treat it as a schemeless host instead. */
function isHostPort(text: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+:\d/i.test(text);
}

function withoutScheme(text: string): NormalizedUrl {
  // A bare domain or path is a URL missing its scheme; anything else (e.g. "Bloomberg") is a name.
  if (/^(\/\/)?[^\s/]+\.[a-z]{2,}(:\d+)?([/?#].*)?$/i.test(text)) {
    return { ok: false, kind: 'no-scheme', reason: `"${text}" has no scheme (expected http:// or https://)` };
  }
  return { ok: false, kind: 'not-a-url', reason: `"${text}" is not a URL (an outlet or document name?)` };
}

function stripTracking(url: URL): void {
  if (!url.search) {
    url.search = ''; // also drops a bare trailing "?"
    return;
  }
  // Rebuilt by hand rather than through URLSearchParams so the kept parameters keep their exact encoding.
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(decodeSafe(pair.split('=')[0])));
  url.search = kept.length ? '?' + kept.join('&') : '';
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
