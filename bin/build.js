#!/usr/bin/env node
// `npm run build`: compiles src/ and jobs/ into dist/ (tsconfig.build.json), then writes dist/.built
// dated when the compile started, so that bin/citewatch.js runs dist/ only while no source is newer.
// A failed compile leaves no stamp, and the sources keep being run.
import { execFileSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
const started = new Date();
// From scratch: a deleted source must not survive as a stale .js file.
rmSync(new URL('dist', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
} catch {
  process.exit(1);
}
const stamp = new URL('dist/.built', root);
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
