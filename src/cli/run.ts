import { loadConfigWithOrigins, type Config, type ConfigOrigin } from '../config/loadConfig.js';
import type { ConfigKey } from '../config/settings.js';
import type { Database, OpenOptions } from '../db/open.js';
import { CitewatchError, EXIT_INTERRUPTED } from '../errors.js';
import { createOutput, type Output } from './output.js';

/** Options every command accepts (declared once on the program in main.ts). */
export type GlobalOptions = { home?: string; config?: string; json?: boolean; debug?: boolean };

/** What a command's action receives: everything it may use, built once per run. */
export type CommandDeps = {
  config: Config;
  /** Where each setting came from: a command's own default may stand in for a default, never for a chosen value. */
  origins: Record<ConfigKey, ConfigOrigin>;
  /** The config file read (--config, or the home's citewatch.yaml or config.json), or null when there was none. */
  configFile: string | null;
  output: Output;
  /** Aborted on the first Ctrl-C / SIGTERM: long work stops taking new items and finishes cleanly. */
  signal: AbortSignal;
  /** Opens (and migrates) the database on first use; closed when the command ends. `lend`: watch shares it. */
  database(options?: OpenOptions): Promise<Database>;
};

export type CommandAction = (deps: CommandDeps) => Promise<number | void>;

/**
 * Runs one command: loads config once, hands dependencies in, closes the database whatever happens,
 * and maps errors to an exit code and one sentence on stderr (a stack trace only with --debug).
 */
export async function runCommand(globals: GlobalOptions, flags: Partial<Config>, action: CommandAction): Promise<number> {
  const output = createOutput(Boolean(globals.json));
  const controller = new AbortController();
  let opened: Promise<Database> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    output.err(`citewatch: ${signal} received, finishing work in flight (again to force)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { config, origins, file } = loadConfigWithOrigins({
      configFile: globals.config,
      flags: { ...flags, home: globals.home ?? flags.home },
    });
    const code = await action({
      config,
      origins,
      configFile: file,
      output,
      signal: controller.signal,
      // Imported on first use: commands that never open the database (--help, demo) skip its modules.
      database: (options) => (opened ??= import('../db/open.js').then(({ openDatabase }) => openDatabase(config, options))),
    });
    // An action that returns a code has handled the interruption itself (watch ends that way).
    return code ?? (controller.signal.aborted ? EXIT_INTERRUPTED : 0);
  } catch (err) {
    return reportError(err, output, Boolean(globals.debug));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (opened) await opened.then((d) => d.close()).catch(() => {});
  }
}

export function reportError(err: unknown, output: Output, debug: boolean): number {
  if (err instanceof CitewatchError) {
    output.err(`citewatch: ${err.message}`);
    if (debug && err.cause instanceof Error) output.err(err.cause.stack ?? String(err.cause));
    if (debug) output.err(err.stack ?? '');
    return err.policy.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  output.err(`citewatch: unexpected error: ${message}${debug ? '' : ' (run with --debug for details)'}`);
  if (debug && err instanceof Error) output.err(err.stack ?? '');
  return 1;
}
