import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The repository's root, wherever it is cloned. */
export const REPO = path.resolve(import.meta.dirname, '../..');

/** The real timeline, shipped with the repository (see its README for where it comes from). */
export const CORPUS = path.join(REPO, 'test/fixtures/kleptocracy-timeline/events');

// A test that needs the corpus fails, naming what is missing, rather than skipping itself.
if (!existsSync(CORPUS) || readdirSync(CORPUS).length !== 2047) {
  throw new Error(
    `the real timeline is missing or incomplete at ${CORPUS} (expected 2,047 event files); restore test/fixtures/kleptocracy-timeline from git`,
  );
}
