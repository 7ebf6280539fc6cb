import { lookup } from 'node:dns/promises';
import { addressAllowed, literalAddress, type AddressClass, type PrivateAllowance } from '../net/addressPolicy.js';

/** Resolves a host name to its addresses. Injectable so tests never ask real DNS. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export type Target =
  | { ok: true; url: URL; address: string }
  | { ok: false; reason: 'refused-address'; url: URL; address: string; cls: AddressClass }
  | { ok: false; reason: 'dns'; url: URL; message: string }
  | { ok: false; reason: 'scheme'; url: URL; message: string };

/**
 * Where a hop would connect, checked: a literal IP as the URL parser normalized it, or every
 * address the name resolves to (one bad answer refuses the hop, so DNS cannot mix in a private one).
 * The fetch then connects to exactly the address returned here.
 */
export async function resolveTarget(url: URL, resolver: Resolver, allowPrivateNetwork: PrivateAllowance): Promise<Target> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: 'scheme', url, message: `unsupported scheme ${url.protocol}` };
  const literal = literalAddress(url);
  let addresses: string[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = await resolver(url.hostname);
    } catch (err) {
      return { ok: false, reason: 'dns', url, message: `cannot resolve ${url.hostname}: ${(err as Error).message}` };
    }
    if (addresses.length === 0) return { ok: false, reason: 'dns', url, message: `${url.hostname} has no address` };
  }
  for (const address of addresses) {
    const verdict = addressAllowed(address, allowPrivateNetwork);
    if (!verdict.allowed) return { ok: false, reason: 'refused-address', url, address, cls: verdict.cls };
  }
  return { ok: true, url, address: addresses[0] };
}
