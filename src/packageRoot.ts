import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding citewatch's package.json, found by walking up from this module, so the same
 * code finds migrations/, the demo's timeline and its version whether it runs from src/ (tests, tsx)
 * or compiled from dist/.
 */
export const PACKAGE_ROOT = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'citewatch') return dir;
    if (path.dirname(dir) === dir) throw new Error(`citewatch's package.json was not found above ${from}`);
  }
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
}
