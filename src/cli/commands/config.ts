import type { Command } from 'commander';
import { configReference } from '../../config/reference.js';
import { CONFIG_KEYS, describeKey, envName } from '../../config/settings.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerConfig(program: Command, bind: ActionBinder): void {
  const command = program
    .command('config')
    .description('the settings in effect, where each came from (default, file, env, flag) and what it does')
    .option('--markdown', 'print the reference of every setting and its default (docs/configuration.md)');
  bind<{ markdown?: boolean }>(command, (options) => ({
    run: async ({ output, config, origins }) => {
      if (options.markdown) return output.out(configReference().trimEnd());
      // The database password never reaches the screen (open.ts, where the URL is used, redacts it).
      const redacted = config.databaseUrl && (await import('../../db/open.js')).redactUrl(config.databaseUrl);
      const shown = (key: (typeof CONFIG_KEYS)[number]) => (key === 'databaseUrl' ? redacted : config[key]);
      if (output.json) {
        return output.printJson(
          Object.fromEntries(
            CONFIG_KEYS.map((k) => [k, { value: shown(k) ?? null, from: origins[k], env: envName(k), description: describeKey(k) }]),
          ),
        );
      }
      output.out(
        formatTable(
          ['key', 'value', 'from', 'environment'],
          CONFIG_KEYS.map((k) => [k, JSON.stringify(shown(k) ?? null), origins[k], envName(k)]),
        ),
      );
    },
  }));
}
