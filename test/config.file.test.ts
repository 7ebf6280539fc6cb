import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printableValue, settingRows } from '../src/config/effective.js';
import { loadConfig, loadConfigWithOrigins } from '../src/config/loadConfig.js';
import { EXAMPLE_CHANNELS, starterFile } from '../src/config/starterFile.js';
import { CONFIG_KEYS, configSchema } from '../src/config/settings.js';

const homeWith = (files: Record<string, string>) => {
  const home = mkdtempSync(path.join(tmpdir(), 'citewatch-config-file-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(home, name), text);
  return home;
};
const loadHome = (home: string, env: Record<string, string> = {}) => loadConfigWithOrigins({ env: { CITEWATCH_HOME: home, ...env } });
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('the config file: citewatch.yaml in the home', () => {
  it('reads YAML with comments; its values come from the file', () => {
    const home = homeWith({
      'citewatch.yaml': '# politeness\nhostDelayMs: 2500 # ms\ntimelinePaths:\n  - ./events\njobSchedules:\n  ingest: "*/5 * * * *"\n',
    });
    const { config, origins, file } = loadHome(home);
    expect([config.hostDelayMs, config.timelinePaths, config.jobSchedules]).toEqual([2500, ['./events'], { ingest: '*/5 * * * *' }]);
    expect([origins.hostDelayMs, origins.timelinePaths, origins.concurrency]).toEqual(['file', 'file', 'default']);
    expect(file).toBe(path.join(home, 'citewatch.yaml'));
  });

  it('refuses a home holding both citewatch.yaml and config.json, naming both', () => {
    const home = homeWith({ 'citewatch.yaml': 'hostDelayMs: 10\n', 'config.json': '{"hostDelayMs": 20}' });
    const message = errorOf(() => loadHome(home));
    expect(message).toContain(path.join(home, 'citewatch.yaml'));
    expect(message).toContain(path.join(home, 'config.json'));
    expect(message).toMatch(/keep one/);
  });

  it('reads a --config file ending in .json as JSON, any other as YAML', () => {
    const home = homeWith({ 'other.json': '{"concurrency": 3}', 'other.conf': 'concurrency: 5\n' });
    expect(loadConfig({ env: {}, configFile: path.join(home, 'other.json') }).concurrency).toBe(3);
    expect(loadConfig({ env: {}, configFile: path.join(home, 'other.conf') }).concurrency).toBe(5);
    expect(errorOf(() => loadConfig({ env: {}, configFile: path.join(home, 'missing.yaml') }))).toMatch(/missing\.yaml does not exist/);
  });

  it('reports a YAML syntax error with the file, line and column', () => {
    const home = homeWith({ 'citewatch.yaml': 'hostDelayMs: 10\nconcurrency: [1, 2\nscreenshots: true\n' });
    expect(errorOf(() => loadHome(home))).toMatch(new RegExp(`^${path.join(home, 'citewatch.yaml')}:3:1: not valid YAML: `));
    const duplicate = homeWith({ 'citewatch.yaml': 'hostDelayMs: 10\nhostDelayMs: 20\n' });
    expect(errorOf(() => loadHome(duplicate))).toMatch(/citewatch\.yaml:2:1: not valid YAML: Map keys must be unique/);
  });

  it('names the file and line, the nested key and the bad value of every invalid setting', () => {
    const home = homeWith({
      'citewatch.yaml': [
        'hostDelayMs: -5',
        'channels:',
        '  - name: ok-hook',
        '    type: webhook',
        '    url: https://hooks.example.org/x',
        '  - name: broken',
        '    type: webhook',
        '    url: not a url',
        '  - name: mailer',
        '    type: pigeon',
        '',
      ].join('\n'),
    });
    const file = path.join(home, 'citewatch.yaml');
    const message = errorOf(() => loadHome(home));
    expect(message).toContain(`${file}:1: hostDelayMs: Number must be greater than or equal to 0 (got -5)`);
    expect(message).toContain(`${file}:8: channels[1].url: must be an http(s) URL (got "not a url")`);
    expect(message).toMatch(new RegExp(`${file}:10: channels\\[2\\]\\.type: Invalid discriminator value.* \\(got "pigeon"\\)`));
  });

  it('never prints the password of a database URL it rejects', () => {
    const home = homeWith({ 'citewatch.yaml': 'databaseUrl: postgress://ana:s3cret@db.example.org/cw\n' });
    const message = errorOf(() => loadHome(home));
    expect(message).toContain('databaseUrl: must start with postgres:// or postgresql:// (got "postgress://ana:***@db.example.org/cw")');
    expect(message).not.toContain('s3cret');
  });

  it('names an unknown key, nested ones too, and where it is', () => {
    const home = homeWith({ 'citewatch.yaml': 'hostDelay: 5\nchannels:\n  - name: a\n    type: atom\n    maxEntrys: 3\n' });
    const message = errorOf(() => loadHome(home));
    expect(message).toContain(`${path.join(home, 'citewatch.yaml')}:1: hostDelay: unknown setting`);
    expect(message).toContain(`${path.join(home, 'citewatch.yaml')}:5: channels[0].maxEntrys: unknown setting`);
  });

  it("refuses to let the home's own file move the home", () => {
    const home = homeWith({ 'citewatch.yaml': 'home: /elsewhere\n' });
    expect(errorOf(() => loadHome(home))).toMatch(/home cannot be set in the home's own config file/);
  });

  it('leaves a key written with no value unset (an uncommented line of the starter file)', () => {
    const home = homeWith({ 'citewatch.yaml': 'publicBaseUrl:\ndatabaseUrl:\n' });
    const { config, origins } = loadHome(home);
    expect([config.publicBaseUrl, config.databaseUrl, origins.publicBaseUrl]).toEqual([undefined, undefined, 'default']);
  });
});

describe('the environment', () => {
  it('reads lists comma-separated, and names a bad value with its variable', () => {
    const home = homeWith({});
    const { config, origins } = loadHome(home, { CITEWATCH_TIMELINE_PATHS: 'events, more/events' });
    expect([config.timelinePaths, origins.timelinePaths]).toEqual([['events', 'more/events'], 'env']);
    expect(errorOf(() => loadHome(home, { CITEWATCH_REVISIT_JITTER_RATIO: '0.9' }))).toMatch(
      /^invalid setting: CITEWATCH_REVISIT_JITTER_RATIO: revisitJitterRatio: Number must be less than or equal to 0\.5 \(got 0\.9\)$/,
    );
  });

  it.each(['CITEWATCH_CHANNELS', 'CITEWATCH_JOB_SCHEDULES'])('refuses %s: structures are set in the file only', (variable) => {
    expect(errorOf(() => loadHome(homeWith({}), { [variable]: '[]' }))).toMatch(
      new RegExp(`^${variable} is not read: .* only be set in the config file`),
    );
  });

  it('overrides the file', () => {
    const home = homeWith({ 'citewatch.yaml': 'revisitMaxIntervalMs: 1000000\n' });
    const { config, origins } = loadHome(home, { CITEWATCH_REVISIT_MAX_INTERVAL_MS: '2000000' });
    expect([config.revisitMaxIntervalMs, origins.revisitMaxIntervalMs]).toEqual([2000000, 'env']);
  });
});

describe('the starter file `citewatch init` writes', () => {
  const defaults = configSchema.parse({});

  it('loads back as the defaults: every setting is there, commented out', () => {
    const home = homeWith({ 'citewatch.yaml': starterFile() });
    const { config, file } = loadHome(home);
    expect(file).toBe(path.join(home, 'citewatch.yaml'));
    expect({ ...config, home: defaults.home, reviewer: defaults.reviewer }).toEqual(defaults);
    for (const key of Object.keys(defaults).filter((k) => k !== 'home')) expect(starterFile()).toMatch(new RegExp(`^# ${key}:`, 'm'));
  });

  it('loads cleanly with every line uncommented, and gives the defaults again plus the example channels', () => {
    const lines = starterFile().split('\n');
    const example = lines.indexOf('# For example (uncomment the whole block):');
    const exampleEnd = lines.indexOf('', example);
    const uncommented = lines
      .filter((line, i) => CONFIG_KEYS.some((k) => line.startsWith(`# ${k}:`)) || (example >= 0 && i > example && i < exampleEnd))
      .map((line) => line.slice(2))
      .join('\n');
    const home = homeWith({ 'citewatch.yaml': uncommented });
    const { config, origins } = loadHome(home);
    expect(origins.hostDelayMs).toBe('file');
    expect(config.hostDelayMs).toBe(defaults.hostDelayMs);
    expect(config.channels.map((c) => [c.name, c.type])).toEqual([
      ['newsroom-hook', 'webhook'],
      ['editors', 'email'],
      ['public-feed', 'atom'],
    ]);
    expect(uncommented).toContain(EXAMPLE_CHANNELS.split('\n')[1]);
  });
});

describe('printing the configuration: secrets never', () => {
  it.each([
    [['databaseUrl'], 'postgres://citewatch:s3cret@db.example.org/citewatch', 'postgres://citewatch:***@db.example.org/citewatch'],
    [['channels', 0, 'url'], 'https://hooks.slack.com/services/T0/B0/tok3n', 'https://hooks.slack.com/…'],
    [['channels', 1, 'smtpPassword'], 'hunter2', '(hidden)'],
    [['channels', 0, 'apiToken'], 'abc', '(hidden)'],
    [['channels', 1, 'smtpPasswordEnv'], 'CITEWATCH_SMTP_PASSWORD', 'CITEWATCH_SMTP_PASSWORD'],
    [['publicBaseUrl'], 'https://citewatch.example.org', 'https://citewatch.example.org'],
  ] as const)('%j: %s → %s', (at, value, shown) => {
    expect(printableValue(value, [...at])).toBe(shown);
  });

  it('flattens channels into one row per field, each with where it came from', () => {
    const home = homeWith({
      'citewatch.yaml':
        'channels:\n  - name: hook\n    type: webhook\n    url: https://hooks.example.org/secret-path\n    secretEnv: HOOK_SECRET\n',
    });
    const { config, origins } = loadHome(home, { DATABASE_URL: 'postgres://u:pw@127.0.0.1/x' });
    const rows = settingRows(config, origins);
    const row = (key: string) => rows.find((r) => r.key === key);
    expect(row('channels[0].url')).toEqual({
      key: 'channels[0].url',
      value: '"https://hooks.example.org/…"',
      from: 'file',
      env: '(file only)',
    });
    expect(row('channels[0].secretEnv')?.value).toBe('"HOOK_SECRET"');
    expect(row('databaseUrl')).toMatchObject({ value: '"postgres://u:***@127.0.0.1/x"', from: 'env' });
    expect(JSON.stringify(rows)).not.toMatch(/secret-path|:pw@/);
  });
});
