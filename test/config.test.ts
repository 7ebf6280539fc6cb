import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/loadConfig.js';

const load = (env: Record<string, string>) => loadConfig({ env: { CITEWATCH_HOME: '/nonexistent/citewatch-home', ...env } });

describe('loadConfig: which private networks a crawl may reach', () => {
  it.each([
    [{}, false],
    [{ CITEWATCH_ALLOW_PRIVATE_NETWORK: '1' }, true],
    [{ CITEWATCH_ALLOW_PRIVATE_NETWORK: 'off' }, false],
    [{ CITEWATCH_ALLOW_PRIVATE_NETWORK: '127.1.0.0/16' }, ['127.1.0.0/16']],
    [{ CITEWATCH_ALLOW_PRIVATE_NETWORK: '127.1.0.0/16, 10.9.0.0/24' }, ['127.1.0.0/16', '10.9.0.0/24']],
  ])('env %j gives %j', (env, expected) => {
    expect(load(env).allowPrivateNetwork).toEqual(expected);
  });

  it('names the key, its variable and the bad range', () => {
    expect(() => load({ CITEWATCH_ALLOW_PRIVATE_NETWORK: '127.1.0.0/16,intranet' })).toThrow(
      /config key allowPrivateNetwork\.1 \(env CITEWATCH_ALLOW_PRIVATE_NETWORK\): each entry must be a CIDR range/,
    );
  });
});
