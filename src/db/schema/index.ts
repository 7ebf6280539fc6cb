export * from './timeline.js';
export * from './archive.js';
export * from './review.js';
