import { isIP } from 'node:net';

/**
 * Which network an IP address belongs to, so a crawl of untrusted URLs cannot be steered at the
 * machine itself, the local network or a cloud metadata service (SSRF). Pure: strings in, labels out.
 * Checked on the resolved address of every hop, so a public name pointing at 10.0.0.1 is refused too.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unspecified'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type Range4 = [base: number, bits: number, cls: AddressClass];

// Order matters: the metadata address sits inside link-local and wins.
const V4_RANGES: Range4[] = [
  [ip4('169.254.169.254'), 32, 'metadata'],
  [ip4('100.100.100.200'), 32, 'metadata'], // Alibaba Cloud
  [ip4('0.0.0.0'), 8, 'unspecified'],
  [ip4('127.0.0.0'), 8, 'loopback'],
  [ip4('10.0.0.0'), 8, 'private'],
  [ip4('172.16.0.0'), 12, 'private'],
  [ip4('192.168.0.0'), 16, 'private'],
  [ip4('169.254.0.0'), 16, 'link-local'],
  [ip4('100.64.0.0'), 10, 'cgnat'],
  [ip4('192.0.0.0'), 24, 'reserved'],
  [ip4('198.18.0.0'), 15, 'reserved'], // benchmarking
  [ip4('224.0.0.0'), 4, 'multicast'],
  [ip4('240.0.0.0'), 4, 'reserved'], // includes 255.255.255.255
];

function ip4(text: string): number {
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function classify4(value: number): AddressClass {
  for (const [base, bits, cls] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (value >= base && value < base + size) return cls;
  }
  return 'public';
}

/** The 8 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail expanded). */
function groups6(text: string): number[] | null {
  let s = text.toLowerCase().replace(/%.*$/, '');
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v = ip4(dotted[1]);
    s = s.slice(0, -dotted[1].length) + ((v >>> 16) & 0xffff).toString(16) + ':' + (v & 0xffff).toString(16);
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = s.includes('::') ? 8 - h.length - t.length : 0;
  const all = [...h, ...Array(fill).fill('0'), ...t].map((g) => parseInt(g, 16));
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : null;
}

function classify6(g: number[]): AddressClass {
  const v4tail = g[6] * 65536 + g[7];
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(5) && g[5] === 0xffff) return classify4(v4tail); // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeroUpTo(6)) return classify4(v4tail); // ::a.b.c.d (deprecated IPv4-compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classify4(v4tail); // 64:ff9b::/96 NAT64
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'metadata'; // AWS fd00:ec2::254
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2002) return classify4(g[1] * 65536 + g[2]); // 6to4 embeds an IPv4 address
  return 'public';
}

/** Classifies a literal IP address (IPv4 dotted quad or IPv6, brackets allowed). */
export function classifyAddress(address: string): AddressClass {
  const a = address.replace(/^\[|\]$/g, '');
  const family = isIP(a.replace(/%.*$/, ''));
  if (family === 4) return classify4(ip4(a));
  if (family === 6) {
    const g = groups6(a);
    return g ? classify6(g) : 'invalid';
  }
  return 'invalid';
}

/**
 * Which non-public addresses a crawl may reach: none (the default), all of them (true), or only the
 * listed CIDR ranges, so a test or the demo can open its simulated web (127.1.0.0/16) and still prove
 * that a canary on 127.0.0.1 stays refused.
 */
export type PrivateAllowance = boolean | readonly string[];

type Cidr = { family: 4 | 6; groups: number[]; bits: number };

/** Parses "a.b.c.d/n" or "v6::/n" (a bare address means a single host); null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const [address, bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  const max = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!/^\d{0,3}$/.test(bitsText ?? '') || !Number.isInteger(bits) || bits < 0 || bits > max) return null;
  // An IPv4 range is held as the IPv4-mapped IPv6 range, so both forms of an address compare alike.
  const groups = groups6(family === 4 ? `::ffff:${address}` : address);
  return groups ? { family, groups, bits: family === 4 ? bits + 96 : bits } : null;
}

function inCidr(groups: number[], cidr: Cidr): boolean {
  for (let i = 0, left = cidr.bits; left > 0; i++, left -= 16) {
    const mask = left >= 16 ? 0xffff : (0xffff << (16 - left)) & 0xffff;
    if ((groups[i] & mask) !== (cidr.groups[i] & mask)) return false;
  }
  return true;
}

const parsedRanges = new WeakMap<readonly string[], Cidr[]>();

function rangesOf(list: readonly string[]): Cidr[] {
  let ranges = parsedRanges.get(list);
  if (!ranges) {
    ranges = list.map((text) => {
      const cidr = parseCidr(text);
      if (!cidr) throw new Error(`not a CIDR range: "${text}" (expected e.g. 127.1.0.0/16)`);
      return cidr;
    });
    parsedRanges.set(list, ranges);
  }
  return ranges;
}

/** The address as IPv6 groups, IPv4 as IPv4-mapped (so it can be matched against parsed ranges). */
function asGroups(address: string): number[] | null {
  const a = address.replace(/^\[|\]$/g, '');
  return isIP(a.replace(/%.*$/, '')) === 4 ? groups6(`::ffff:${a}`) : groups6(a);
}

/** Whether a crawl may connect to this address: public ones, and private ones only as allowed. */
export function addressAllowed(address: string, allowance: PrivateAllowance): { allowed: boolean; cls: AddressClass } {
  const cls = classifyAddress(address);
  if (cls === 'invalid') return { allowed: false, cls };
  if (cls === 'public' || allowance === true) return { allowed: true, cls };
  if (allowance === false) return { allowed: false, cls };
  const groups = asGroups(address);
  return { allowed: groups !== null && rangesOf(allowance).some((range) => inCidr(groups, range)), cls };
}

/**
 * The host of a URL as the WHATWG parser normalizes it: decimal (http://2130706433/), hex
 * (http://0x7f.1/) and short forms of IPv4 come out as a dotted quad, so tricks cannot hide an address.
 * Returns the literal IP when the host is one, otherwise null (a name that needs resolving).
 */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : null;
}
