import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import type { Logger } from './logger.js';
import type { StoreAndSettle } from './storeAndSettle.js';
import type { Job } from './scheduler.js';

/** What every job's run receives from the service (or from `citewatch jobs run`). */
export type JobDeps = {
  db: Db;
  /** The embedded database's own thread, when it runs on one: the crawl stores and settles its batches there. */
  storeAndSettle?: StoreAndSettle;
  config: Config;
  /** Aborted on SIGTERM/SIGINT: a job stops taking new work and returns what it did. */
  signal: AbortSignal;
  log: Logger;
};

/** A job as the registry holds it: its result is recorded as `job_runs.detail`. */
export type ServiceJob = Job<JobDeps, unknown>;
