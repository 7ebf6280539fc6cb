import { CONFIG_KEYS, describeKey, envName, settings, type ConfigKey } from './settings.js';

const UNITS: [suffix: string, scale: [number, string][]][] = [
  [
    'Ms',
    [
      [3_600_000, 'h'],
      [60_000, 'min'],
      [1000, 's'],
      [1, 'ms'],
    ],
  ],
  [
    'Bytes',
    [
      [1024 * 1024, 'MiB'],
      [1024, 'KiB'],
      [1, 'bytes'],
    ],
  ],
];

/** A default as people read it: 86400000 for a key in ms is "24 h". */
export function formatDefault(key: ConfigKey): string {
  const parsed = settings[key].safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '—';
  const value = parsed.data;
  if (typeof value === 'number') {
    for (const [suffix, scale] of UNITS) {
      if (!key.endsWith(suffix)) continue;
      const [size, unit] = scale.find(([size]) => value >= size && value % size === 0) ?? scale[scale.length - 1];
      return `${value / size} ${unit}`;
    }
  }
  return `\`${JSON.stringify(value)}\``;
}

/** docs/configuration.md, generated from src/config/settings.ts (`npm run docs:config`). */
export function configReference(): string {
  const rows = CONFIG_KEYS.map(
    (key) => `| \`${key}\` | \`${envName(key)}\` | ${formatDefault(key)} | ${describeKey(key).replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/settings.ts by `npm run docs:config`; a test fails when it is stale. -->',
    '',
    'One `loadConfig()` reads every setting: the defaults below, then a JSON file',
    '(`$CITEWATCH_HOME/config.json`, or `--config <file>`), then environment variables, then command-line',
    'flags. Values are validated once, and a bad one is reported with its key and variable (exit 78).',
    '`citewatch config` prints the values in effect and where each came from.',
    '',
    '| key | environment | default | what it does |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
