export * from './timeline.js';
export * from './archive.js';
export * from './review.js';
export * from './service.js';
export * from './accounts.js';
