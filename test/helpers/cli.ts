import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO } from './paths.js';

export const BIN = path.join(REPO, 'bin/citewatch.js');

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * The environment of a child citewatch: its own home for the embedded database, or the test
 * database's URL on PostgreSQL runs (never a DATABASE_URL inherited from the developer's shell).
 * It runs the sources, never a dist/ build, so that the tests test the code as it is.
 */
export function cliEnv(home: string, databaseUrl: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CITEWATCH_HOME: home, CITEWATCH_FROM_SOURCE: '1', ...extra };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

/** Runs the CLI in a child process and resolves with its exit code and output, whatever the code. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(BIN, args, { env, cwd: REPO, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
