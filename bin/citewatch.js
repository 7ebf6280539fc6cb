#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ when it is built and current: no TypeScript loader, a fast
// start. When there is no build, a file under src/ or jobs/ is newer than the build (an edited
// checkout), or CITEWATCH_FROM_SOURCE=1 (the tests), it runs the sources through tsx instead, so
// stale code is never run.
import { distIsCurrent } from './distIsCurrent.js';

let main;
if (distIsCurrent()) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
