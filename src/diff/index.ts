export { classifyChange, DIFF_VERSION, type ChangeInput, type ChangeKind, type ClassifiedChange } from './classifyChange.js';
export { touchesClaim, type ClaimTouch } from './claim.js';
export { fingerprint, hammingDistance } from './fingerprint.js';
export { renderChangeHeading, renderWordDiff } from './render.js';
export { recomputeChanges, recordChange, type ChangeRow } from './store.js';
export { wordDiff, type WordPart } from './words.js';
