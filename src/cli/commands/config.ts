import type { Command } from 'commander';
import { printableValue, settingRows } from '../../config/effective.js';
import { configReference } from '../../config/reference.js';
import { CONFIG_KEYS, describeKey, envName } from '../../config/settings.js';
import { formatTable } from '../output.js';
import type { CommandDeps } from '../run.js';
import type { ActionBinder } from './index.js';

export function registerConfig(program: Command, bind: ActionBinder): void {
  const command = program
    .command('config')
    .description('the settings in effect, where each came from (default, file, env, flag) and what it does')
    .option('--markdown', 'print the reference of every setting and its default (docs/configuration.md)');
  bind<{ markdown?: boolean }>(command, (options) => ({
    run: async (deps) => {
      if (options.markdown) return deps.output.out(configReference().trimEnd());
      await printSettings(deps, false);
    },
  }));
  const check = command
    .command('check')
    .description(
      "validate the configuration (the home's citewatch.yaml, or --config <file>) and print each value in effect and where it came from; exit 78 when invalid",
    );
  // Loading the configuration is the validation: runCommand reports an invalid one (exit 78) before this runs.
  bind(check, () => ({ run: async (deps) => printSettings(deps, true) }));
}

/** Every value in effect, secrets hidden. */
async function printSettings({ config, origins, configFile: file, output }: CommandDeps, check: boolean): Promise<void> {
  if (output.json) {
    const settings = Object.fromEntries(
      CONFIG_KEYS.map((k) => [
        k,
        { value: printableValue(config[k], [k]) ?? null, from: origins[k], env: envName(k), description: describeKey(k) },
      ]),
    );
    return output.printJson(check ? { valid: true, file, settings } : settings);
  }
  if (check) output.out(`${file ?? 'no config file'}: valid${file ? '' : ' (defaults, environment and flags only)'}`);
  const rows = settingRows(config, origins);
  output.out(
    formatTable(
      ['key', 'value', 'from', 'environment'],
      rows.map((r) => [r.key, r.value, r.from, r.env]),
    ),
  );
}
