import { Command, CommanderError } from 'commander';
import { packageVersion } from '../packageRoot.js';
import { registerCommands } from './commands/index.js';

/** Builds the program. Every command lives in src/cli/commands/ and is registered there. */
export function buildProgram(onExitCode: (code: number) => void): Command {
  const program = new Command('citewatch')
    .description('Keeps cited sources honest: watches every URL a timeline cites and flags events whose sources changed or vanished.')
    .option('--home <dir>', 'where the embedded database and artefacts live (env CITEWATCH_HOME, default ./.citewatch)')
    .option('--config <file>', 'a config file, YAML or JSON by its name (default $CITEWATCH_HOME/citewatch.yaml)')
    .option('--json', 'print one JSON document for machines instead of text for people')
    .option('--debug', 'print stack traces with errors')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerCommands(program, onExitCode);
  return program;
}

/** Runs the CLI on argv (without node and script) and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
}
