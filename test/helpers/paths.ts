import path from 'node:path';

/** The repository's root, wherever it is cloned. */
export const REPO = path.resolve(import.meta.dirname, '../..');

/** The real timeline, which lies beside the repository (../shared) in every checkout and in CI. */
export const CORPUS = path.resolve(REPO, '../shared/fixtures/kleptocracy-timeline/events');
