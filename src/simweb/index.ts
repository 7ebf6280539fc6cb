/** The simulated web: a loopback "internet" for tests, benchmarks and `citewatch demo`. */
export { startSimWeb, allocateAddresses, SIMULATED_WEB_RANGE, type SimWebOptions } from './server.js';
export { buildLabelledWeb, LABELS, EXPECTED, type Label, type LabelledCase, type ExpectedState } from './labelled.js';
export { simulateCorpus, freePort, type CorpusOptions, type SimulatedCorpus } from './corpus.js';
export type { CorpusFate } from './corpusPages.js';
export type * from './types.js';
