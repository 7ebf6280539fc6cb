/** The simulated web: a loopback "internet" for tests, benchmarks and `citewatch demo`. */
export { startSimWeb, type SimWebOptions } from './server.js';
export type * from './types.js';
