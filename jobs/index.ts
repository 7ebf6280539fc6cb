import type { ServiceJob } from '../src/watch/jobDeps.js';
import { crawlJob } from './crawl.js';
import { digestJob } from './digest.js';
import { ingestJob } from './ingest.js';
import { notifyJob } from './notify.js';
import { retentionJob } from './retention.js';

/**
 * Every job `citewatch watch` runs and `citewatch jobs` lists, in the order they are listed. A job
 * is a module here declaring its name, description, default cron expression and what one run does.
 */
export const JOBS: readonly ServiceJob[] = [crawlJob, ingestJob, notifyJob, digestJob, retentionJob];

export function findJob(name: string): ServiceJob | undefined {
  return JOBS.find((j) => j.name === name);
}
