import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILE_NAME, LEGACY_CONFIG_FILE_NAME } from '../../config/configFile.js';
import { starterFile } from '../../config/starterFile.js';
import { UsageError } from '../../errors.js';
import type { ActionBinder } from './index.js';

export function registerInit(program: Command, bind: ActionBinder): void {
  const command = program
    .command('init')
    .description(`write a commented starting ${CONFIG_FILE_NAME} in the home (--home): every setting, its meaning and default`)
    .option('--force', `overwrite an existing ${CONFIG_FILE_NAME}`);
  bind<{ force?: boolean }>(command, (options) => ({
    run: async ({ config, output }) => {
      const file = path.join(config.home, CONFIG_FILE_NAME);
      if (existsSync(file) && !options.force) throw new UsageError(`${file} exists; add --force to overwrite it`);
      const legacy = path.join(config.home, LEGACY_CONFIG_FILE_NAME);
      if (existsSync(legacy))
        throw new UsageError(
          `${legacy} exists: a home holds one config file; move its settings into ${CONFIG_FILE_NAME} or remove it first`,
        );
      mkdirSync(config.home, { recursive: true });
      writeFileSync(file, starterFile());
      if (output.json) return output.printJson({ file });
      output.out(`wrote ${file}; edit it, then \`citewatch config check\``);
    },
  }));
}
