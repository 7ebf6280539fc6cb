import { stringify } from 'yaml';
import { envKind } from './envValues.js';
import { formatDefault } from './reference.js';
import { CONFIG_KEYS, describeKey, envName, settings, type ConfigKey } from './settings.js';

/** Keys the starter file leaves out: the home cannot be set from the home's own file. */
const NOT_IN_HOME_FILE: ConfigKey[] = ['home'];

/**
 * Example channels, commented out in the starter file. A test uncomments them and loads the result,
 * so they stay valid as the channel settings change.
 */
export const EXAMPLE_CHANNELS = `channels:
  - name: newsroom-hook
    type: webhook
    url: https://hooks.example.org/citewatch
    secretEnv: CITEWATCH_WEBHOOK_SECRET   # the secret itself stays in the environment
    filters:
      minImportance: 7
      states: [changed, vanished]
  - name: editors
    type: email
    smtpHost: smtp.example.org
    smtpPort: 587
    smtpUser: citewatch
    smtpPasswordEnv: CITEWATCH_SMTP_PASSWORD
    from: citewatch@example.org
    to: [desk@example.org]
    delivery: daily
  - name: public-feed
    type: atom
    filters:
      claimTouchingOnly: true`;

const comment = (text: string) => text.replace(/^/gm, '# ').replace(/# $/gm, '#');

/** A key's default as it would be written in the file: `hostDelayMs: 1000`. */
function defaultLine(key: ConfigKey): string {
  const parsed = settings[key].safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return `${key}:`;
  return stringify({ [key]: parsed.data }, { flowCollectionPadding: false }).trimEnd();
}

/** Wraps a description to lines of about 96 characters. */
function wrap(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/**
 * The commented starting citewatch.yaml that `citewatch init` writes: every setting with what it does,
 * its environment variable and its default, commented out, so the file changes nothing until a line is
 * uncommented. Generated from src/config/settings.ts. Pure.
 */
export function starterFile(): string {
  const blocks = CONFIG_KEYS.filter((k) => !NOT_IN_HOME_FILE.includes(k)).map((key) => {
    const env = envKind(key) === 'file-only' ? 'only in this file' : `env ${envName(key)}`;
    const shown = formatDefault(key).replace(/`/g, '');
    const head = [...wrap(describeKey(key)), `(${env}; ${shown === '—' ? 'no default' : `default ${shown}`})`];
    if (key === 'channels') return comment([...head, 'For example (uncomment the whole block):', EXAMPLE_CHANNELS].join('\n'));
    return comment([...head, defaultLine(key)].join('\n'));
  });
  return [
    '# citewatch configuration. Every setting is listed with what it does and its default, commented out:',
    '# uncomment a line to change it. Environment variables (CITEWATCH_*) and command-line flags override',
    '# this file; `citewatch config check` validates it and shows where each value in effect comes from.',
    '# Reference: docs/configuration.md.',
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
}
