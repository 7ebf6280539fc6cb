import type { Command } from 'commander';
import type { Config } from '../../config/loadConfig.js';
import { runCommand, type CommandAction, type GlobalOptions } from '../run.js';
import { registerCrawl } from './crawl.js';
import { registerStatus } from './status.js';
import { registerDemo } from './demo.js';
import { registerWatch } from './watch.js';
import { registerJobs } from './jobs.js';
import { registerFlags } from './flags.js';
import { registerDiff } from './diff.js';
import { registerIngest } from './ingest.js';
import { registerEvents } from './events.js';
import { registerSources } from './sources.js';
import { registerConfig } from './config.js';
import { registerInit } from './init.js';
import { registerCaptures } from './captures.js';
import { registerShow } from './show.js';
import { registerAlerts } from './alerts.js';
import { registerExport } from './export.js';
import { registerTokens } from './tokens.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';
import { registerReviews } from './reviews.js';

/**
 * How a command file hooks its action up: `action(cmd, (opts) => [configFlags, deps => ...])`.
 * The wrapper runs it through runCommand (config, database, errors, signals) and records the exit code.
 */
export type ActionBinder = <O extends Record<string, unknown>>(
  command: Command,
  build: (options: O, args: string[]) => { flags?: Partial<Config>; run: CommandAction },
) => Command;

export function registerCommands(program: Command, onExitCode: (code: number) => void): void {
  const bind: ActionBinder = (command, build) =>
    command.action(async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const args = params.slice(0, -2).flat() as string[];
      const { flags, run } = build(cmd.opts(), args);
      onExitCode(await runCommand(cmd.optsWithGlobals() as GlobalOptions, flags ?? {}, run));
    });
  // In the order a newcomer meets them: try it, set it up, feed it, run it, look at what it found.
  registerDemo(program, bind);
  registerInit(program, bind);
  registerIngest(program, bind);
  registerCrawl(program, bind);
  registerWatch(program, bind);
  registerJobs(program, bind);
  registerStatus(program, bind);
  registerEvents(program, bind);
  registerSources(program, bind);
  registerFlags(program, bind);
  registerReviews(program, bind);
  registerDiff(program, bind);
  registerCaptures(program, bind);
  registerShow(program, bind);
  registerAlerts(program, bind);
  registerExport(program, bind);
  registerTokens(program, bind);
  registerServe(program, bind);
  registerUsers(program, bind);
  registerConfig(program, bind);
}
