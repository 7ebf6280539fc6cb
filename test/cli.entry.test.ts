import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';
import { REPO } from './helpers/paths.js';

/** The entry point itself: version, help, usage errors and the config command, in a child process. */
describe('citewatch entry point', () => {
  const env = cliEnv(mkdtempSync(path.join(tmpdir(), 'citewatch-entry-')), undefined);

  it('prints the package version with --version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(await runCli(['--version'], env)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('lists every command in --help', async () => {
    const result = await runCli(['--help'], env);
    expect(result.code).toBe(0);
    for (const command of ['demo', 'ingest', 'crawl', 'watch', 'status', 'events', 'sources', 'flags', 'diff', 'config']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('exits 2 on an unknown command, saying so on stderr', async () => {
    const result = await runCli(['crawlx'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'crawlx'/);
  });

  it('shows each setting with where it came from, and exits 78 naming a bad one', async () => {
    const shown = await runCli(['config', '--json'], { ...env, CITEWATCH_HOST_DELAY_MS: '250' });
    expect(shown.code).toBe(0);
    const config = JSON.parse(shown.stdout);
    expect(config.hostDelayMs).toMatchObject({ value: 250, from: 'env', env: 'CITEWATCH_HOST_DELAY_MS' });
    expect(config.concurrency).toMatchObject({ value: 64, from: 'default' });
    const bad = await runCli(['config'], { ...env, CITEWATCH_HOST_DELAY_MS: 'soon' });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toMatch(/CITEWATCH_HOST_DELAY_MS must be a number, got "soon"/);
  });

  it('never prints the database password', async () => {
    const shown = await runCli(['config', '--json'], { ...env, DATABASE_URL: 'postgres://citewatch:s3cret@127.0.0.1:1/db' });
    expect(shown.stdout).not.toContain('s3cret');
    expect(JSON.parse(shown.stdout).databaseUrl.value).toBe('postgres://citewatch:***@127.0.0.1:1/db');
  });
});
