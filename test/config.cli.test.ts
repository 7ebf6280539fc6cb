import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers/cli.js';

const newHome = () => mkdtempSync(path.join(os.tmpdir(), 'citewatch-config-cli-'));

describe('citewatch init and config check', () => {
  it('init writes a commented citewatch.yaml that config check accepts, and will not overwrite it without --force', async () => {
    const home = path.join(newHome(), 'new-home');
    const env = cliEnv(home, undefined);
    const first = await runCli(['init'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const file = path.join(home, 'citewatch.yaml');
    expect(readFileSync(file, 'utf8')).toMatch(/^# revisitConfirmMs: 3600000$/m);

    const again = await runCli(['init'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`citewatch: ${file} exists; add --force to overwrite it\n`);

    writeFileSync(file, 'hostDelayMs: 1234\n');
    const check = await runCli(['config', 'check'], { ...env, CITEWATCH_CONCURRENCY: '7' });
    expect(check.code).toBe(0);
    expect(check.stdout.split('\n')[0]).toBe(`${file}: valid`);
    expect(check.stdout).toMatch(/^hostDelayMs +1234 +file +CITEWATCH_HOST_DELAY_MS$/m);
    expect(check.stdout).toMatch(/^concurrency +7 +env +CITEWATCH_CONCURRENCY$/m);
    expect(check.stdout).toMatch(/^maxRedirects +10 +default +CITEWATCH_MAX_REDIRECTS$/m);

    const forced = await runCli(['init', '--force'], env);
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('hostDelayMs: 1234');
  });

  it('config check --config <file>: exit 78 and one line per problem, naming the file, line, key and value', async () => {
    const dir = newHome();
    const file = path.join(dir, 'team.yaml');
    writeFileSync(file, 'revisitMaxIntervalMs: soon\nchannels:\n  - name: Desk\n    type: atom\n');
    const r = await runCli(['config', 'check', '--config', file], cliEnv(newHome(), undefined));
    expect(r.code).toBe(78);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:1: revisitMaxIntervalMs: Expected number, received string (got "soon")`);
    expect(r.stderr).toContain(`${file}:3: channels[0].name: must be lower-case letters, digits and dashes (got "Desk")`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints a valid file as JSON with origins, and never the database password or a webhook path', async () => {
    const dir = newHome();
    const file = path.join(dir, 'hooks.yaml');
    writeFileSync(
      file,
      'channels:\n  - name: hook\n    type: webhook\n    url: https://hooks.example.org/T0/s3cr3t-path\n    secretEnv: HOOK_SECRET\n',
    );
    const env = { ...cliEnv(newHome(), undefined), DATABASE_URL: 'postgres://citewatch:pa55word@127.0.0.1:1/citewatch' };
    const r = await runCli(['config', 'check', '--config', file, '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(true);
    expect(out.file).toBe(file);
    expect(out.settings.channels).toMatchObject({
      from: 'file',
      value: [{ name: 'hook', url: 'https://hooks.example.org/…', secretEnv: 'HOOK_SECRET' }],
    });
    expect(out.settings.databaseUrl).toMatchObject({ from: 'env', value: 'postgres://citewatch:***@127.0.0.1:1/citewatch' });
    const text = await runCli(['config', 'check', '--config', file], env);
    for (const output of [r.stdout, text.stdout]) expect(output).not.toMatch(/pa55word|s3cr3t-path/);
    expect(text.stdout).toMatch(/^channels\[0\]\.secretEnv +"HOOK_SECRET" +file +\(file only\)$/m);
  });
});
