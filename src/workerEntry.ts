import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The script of a worker thread that lives next to the calling module (`from`: its import.meta.url,
 * `name`: the script's name without extension): name.js when compiled (run as is), or name.ts when
 * the sources run through tsx, whose loader a worker does not inherit: its entry then registers
 * tsx's ESM api (its CommonJS build cannot register hooks in a worker), found the same way under vitest.
 */
export function workerEntry(from: string, name: string): URL {
  if (from.endsWith('.js')) return new URL(`./${name}.js`, from);
  const tsxDir = path.dirname(createRequire(from).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const file = new URL(`./${name}.ts`, from).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(file)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
