import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from './helpers/cli.js';
import { REPO } from './helpers/paths.js';

/**
 * The compiled CLI, as `npm run build` makes it: tsconfig.build.json compiled into a dist/ of its
 * own (type checking is `npm run typecheck`'s job), run through a copy of bin/ beside it with no
 * sources there, so that bin/citewatch.js takes its compiled path. A module hook in every thread of
 * the child records each module it loads: the test proves that no TypeScript and no tsx was loaded,
 * the extraction worker included, and that the paths found from the package root (migrations, the
 * demo's timeline) hold from dist/.
 */
describe('citewatch compiled into dist/', () => {
  let root: string;
  let home: string;
  let loaded: string;

  beforeAll(() => {
    // Inside the repository (.tmp/ is ignored by git), so the package root and node_modules are found above it.
    mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
    root = mkdtempSync(path.join(REPO, '.tmp/cli-dist-'));
    home = path.join(root, 'home');
    loaded = path.join(root, 'loaded.txt');
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', path.join(root, 'dist')], { cwd: REPO });
    writeFileSync(path.join(root, 'dist/.built'), '');
    mkdirSync(path.join(root, 'bin'));
    for (const f of ['citewatch.js', 'distIsCurrent.js']) copyFileSync(path.join(REPO, 'bin', f), path.join(root, 'bin', f));
    writeFileSync(
      path.join(root, 'hook.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(loaded)}, resolved.url + '\\n');
  return resolved;
}`,
    );
    // Workers inherit the parent's --import, so the extraction threads are watched as well.
    writeFileSync(
      path.join(root, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(root, 'hook.mjs')).href)});\n`,
    );
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function run(args: string[]): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = { ...process.env, CITEWATCH_HOME: home };
    delete env.CITEWATCH_FROM_SOURCE;
    delete env.DATABASE_URL;
    const argv = ['--import', path.join(root, 'register.mjs'), path.join(root, 'bin/citewatch.js'), ...args];
    return new Promise((resolve) => {
      execFile(process.execPath, argv, { env, cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it('prints its version, the status of a new home and runs the demo, loading no TypeScript', async () => {
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version}\n` });
    const status = await run(['--json', 'status']);
    expect(status.code, status.stderr).toBe(0);
    const demo = await run(['--json', 'demo', '--sample', '3', '--host-delay-ms', '1']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(JSON.parse(demo.stdout).files).toBe(3);

    const urls = readFileSync(loaded, 'utf8').split('\n');
    const dist = pathToFileURL(path.join(root, 'dist')).href;
    expect(urls).toContain(`${dist}/src/cli/main.js`);
    expect(urls).toContain(`${dist}/src/archive/extractWorker.js`);
    expect(urls.filter((u) => /\/node_modules\/tsx\/|\.[cm]?ts$/.test(u))).toEqual([]);
    expect(urls.filter((u) => u.startsWith(pathToFileURL(path.join(REPO, 'src')).href))).toEqual([]);
  }, 120_000);
});
