import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigWithOrigins } from '../src/config/loadConfig.js';
import { configReference, formatDefault } from '../src/config/reference.js';
import { objectFields, variantsOf } from '../src/config/schemaFields.js';
import { CONFIG_KEYS, describeKey, settings } from '../src/config/settings.js';
import { REPO } from './helpers/paths.js';

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
      /CITEWATCH_ALLOW_PRIVATE_NETWORK: allowPrivateNetwork\[1\]: each entry must be a CIDR range.* \(got "intranet"\)/,
    );
  });
});

describe('the settings reference', () => {
  it('docs/configuration.md is what settings.ts generates (run `npm run docs:config` after changing a setting)', () => {
    const reference = readFileSync(path.join(REPO, 'docs/configuration.md'), 'utf8');
    expect(reference.trimEnd()).toBe(configReference().trimEnd());
    expect(reference).toContain(`| \`revisitConfirmMs\` | \`CITEWATCH_REVISIT_CONFIRM_MS\` | 1 h |`);
  });

  it('documents every setting and every channel field where it is defined', () => {
    expect(CONFIG_KEYS.filter((k) => !describeKey(k))).toEqual([]);
    const channelFields = variantsOf(settings.channels).flatMap((v) => objectFields(v.schema).map((f) => ({ ...f, tag: v.tag })));
    expect(channelFields.length).toBeGreaterThan(20);
    expect(channelFields.filter((f) => f.path !== 'type' && !f.description).map((f) => `${f.tag}.${f.path}`)).toEqual([]);
  });

  it.each([
    ['hostDelayMs', '1 s'],
    ['revisitMinIntervalMs', '1 d'],
    ['revisitConfirmMs', '1 h'],
    ['maxBodyBytes', '15 MiB'],
    ['concurrency', '`64`'],
    ['databaseUrl', '—'],
  ] as const)('shows the default of %s as %s', (key, shown) => {
    expect(formatDefault(key)).toBe(shown);
  });

  it('says where each value came from: default, file, env or flag', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'citewatch-config-'));
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ hostDelayMs: 500, concurrency: 8 }));
    const { config, origins } = loadConfigWithOrigins({
      env: { CITEWATCH_HOME: home, CITEWATCH_CONCURRENCY: '4' },
      flags: { screenshots: true },
    });
    expect([config.hostDelayMs, config.concurrency, config.screenshots, config.maxRedirects]).toEqual([500, 4, true, 10]);
    expect([origins.hostDelayMs, origins.concurrency, origins.screenshots, origins.maxRedirects]).toEqual([
      'file',
      'env',
      'flag',
      'default',
    ]);
  });

  it('names the key and the file when the file holds an unknown key', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'citewatch-config-'));
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ hostDelay: 500 }));
    expect(() => loadConfig({ env: { CITEWATCH_HOME: home } })).toThrow(`${path.join(home, 'config.json')}: hostDelay: unknown setting`);
  });
});
