// Whether dist/ holds a build of the sources as they are now (bin/citewatch.js runs it only then).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.dirname(import.meta.dirname);

/**
 * Files only: the directories of an installed package are dated at install time (a package holds
 * only files), and a deleted source cannot matter without an edit to a file that imported it.
 */
function newestSource() {
  let newest = 0;
  for (const dir of ['src', 'jobs']) {
    let names = [];
    try {
      names = readdirSync(path.join(ROOT, dir), { recursive: true });
    } catch {
      // not there: dist/ is all there is
    }
    for (const name of names) {
      const stat = statSync(path.join(ROOT, dir, name), { throwIfNoEntry: false });
      if (stat?.isFile()) newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}

/** dist/.built is dated when its compile started (bin/build.js): a source saved since is newer. */
export function distIsCurrent() {
  if (process.env.CITEWATCH_FROM_SOURCE === '1') return false;
  const built = statSync(path.join(ROOT, 'dist/.built'), { throwIfNoEntry: false });
  return built !== undefined && newestSource() <= built.mtimeMs;
}
