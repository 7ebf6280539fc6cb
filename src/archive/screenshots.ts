import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../sha256.js';

/** Where a screenshot with this hash lives: $CITEWATCH_HOME/snapshots/<sha256>.png. */
export function screenshotPath(home: string, hash: string): string {
  return path.join(home, 'snapshots', `${hash}.png`);
}

/**
 * Keeps a PNG under its content hash (written to a temporary name and renamed, so a crash never
 * leaves half a file under a real name) and returns the hash for captures.screenshot_hash.
 */
export async function saveScreenshot(home: string, png: Uint8Array): Promise<string> {
  const hash = sha256(png);
  const file = screenshotPath(home, hash);
  if (existsSync(file)) return hash;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, png);
  await rename(tmp, file);
  return hash;
}
