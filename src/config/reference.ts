import { envKind } from './envValues.js';
import { objectFields, variantsOf, type FieldDoc } from './schemaFields.js';
import { CONFIG_KEYS, describeKey, envName, settings, type ConfigKey } from './settings.js';

const UNITS: [suffix: string, scale: [number, string][]][] = [
  [
    'Ms',
    [
      [86_400_000, 'd'],
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

/** A value as people read it: 86400000 for a key in ms is "1 d", 3600000 is "1 h". */
function formatValue(key: string, value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') {
    for (const [suffix, scale] of UNITS) {
      if (!key.endsWith(suffix)) continue;
      const [size, unit] = scale.find(([size]) => value >= size && value % size === 0) ?? scale[scale.length - 1];
      return `${value / size} ${unit}`;
    }
  }
  return `\`${JSON.stringify(value)}\``;
}

/** A setting's default as people read it. */
export function formatDefault(key: ConfigKey): string {
  const parsed = settings[key].safeParse(undefined);
  return formatValue(key, parsed.success ? parsed.data : undefined);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function envCell(key: ConfigKey): string {
  const kind = envKind(key);
  if (kind === 'file-only') return 'file only';
  return `\`${envName(key)}\`${kind === 'list' ? ' (comma-separated)' : ''}`;
}

/** The table of every setting: the head of docs/configuration.md. */
function configTable(): string {
  return [
    '| key | environment | default | what it does |',
    '| --- | --- | --- | --- |',
    ...CONFIG_KEYS.map((key) => `| \`${key}\` | ${envCell(key)} | ${formatDefault(key)} | ${cell(describeKey(key))} |`),
  ].join('\n');
}

function fieldRow(f: FieldDoc): string {
  const shown = f.required ? 'required' : formatValue(f.path, f.defaultValue);
  return `| \`${f.path}\` | ${cell(f.type)} | ${shown} | ${cell(f.description)} |`;
}

const fieldTable = (fields: FieldDoc[]) =>
  ['| field | type | default | what it does |', '| --- | --- | --- | --- |', ...fields.map(fieldRow)].join('\n');

/** The channels' fields, from src/alerts/channelSettings.ts: those every type has, then each type's own. */
function channelReference(): string {
  const variants = variantsOf(settings.channels).map(({ tag, schema }) => ({
    tag,
    fields: objectFields(schema).filter((f) => f.path !== 'type'),
  }));
  const common = variants[0].fields.filter((f) => variants.every((v) => v.fields.some((g) => g.path === f.path)));
  const isCommon = (f: FieldDoc) => common.some((c) => c.path === f.path);
  return [
    `Every channel (\`type\`: ${variants.map((v) => `\`${v.tag}\``).join(', ')}):`,
    '',
    fieldTable(common),
    ...variants.flatMap((v) => ['', `### \`type: ${v.tag}\``, '', fieldTable(v.fields.filter((f) => !isCommon(f)))]),
  ].join('\n');
}

/** docs/configuration.md, generated from src/config/settings.ts (`npm run docs:config`). */
export function configReference(): string {
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/settings.ts and src/alerts/channelSettings.ts by `npm run docs:config`; a test fails when it is stale. -->',
    '',
    'One `loadConfig()` reads every setting: the defaults below, then the configuration file, then',
    'environment variables, then command-line flags. The file is `citewatch.yaml` in the home (YAML, with',
    'comments; `citewatch init` writes a commented one), or `--config <file>`; a home holding only the older',
    '`config.json` is still read, and a home holding both is refused (keep one). A file ending in `.json` is',
    'read as JSON, any other as YAML.',
    '',
    'Values are validated once, at start. Every problem is reported with where it was set (file and line,',
    'environment variable, flag), the key by its full path (`channels[1].url`) and the value found, and',
    'the command ends with exit code 78. `citewatch config check` validates the configuration (with',
    '`--config <file>`, that file) and prints each value in effect and where it came from (default, file,',
    'env, flag); secrets are never printed (the database password, webhook URL paths, keys naming a',
    'password, secret or token). Lists are comma-separated in the environment; structures (`channels`,',
    '`jobSchedules`) can only be set in the file, and their variables are refused with a message.',
    '',
    configTable(),
    '',
    '## Channels',
    '',
    '`channels` is a list; each entry has a `type` and the fields of its type. Secrets are not written in',
    'the file: fields ending in `Env` name the environment variable that holds them.',
    '',
    channelReference(),
    '',
  ].join('\n');
}
