import { ingestPaths, type IngestReport } from '../src/ingest/index.js';
import type { JobDeps } from '../src/watch/jobDeps.js';
import type { Job } from '../src/watch/scheduler.js';

/** What job_runs keeps of an ingest: the counts, and the first rejections (a broken tree can give thousands). */
export type IngestJobResult = Omit<IngestReport, 'rejections'> & { rejected: number; firstRejections: IngestReport['rejections'] };

const KEPT_REJECTIONS = 20;

/**
 * The ingest job: re-reads the configured timeline paths (`timelinePaths`) as `citewatch ingest`
 * does, so events added, edited or removed in the timeline are picked up with no one running a
 * command. An unchanged tree writes nothing but its ingest_runs row. A path that is missing fails the
 * run (its events are not taken as removed); no paths configured is a no-op that says so.
 */
export const ingestJob: Job<JobDeps, IngestJobResult | { skipped: string }> = {
  name: 'ingest',
  description: 're-read the timeline paths of the configuration (timelinePaths): new, edited and removed events',
  defaultSchedule: '7 * * * *',
  async run({ db, config, signal, log }) {
    if (config.timelinePaths.length === 0) {
      const note = 'no timelinePaths configured: nothing to read';
      log.log({ job: 'ingest', event: 'note', message: note });
      return { skipped: note };
    }
    const { rejections, ...report } = await ingestPaths(db, config.timelinePaths, { signal, maxFileBytes: config.maxInputFileBytes });
    return { ...report, rejected: rejections.length, firstRejections: rejections.slice(0, KEPT_REJECTIONS) };
  },
  summarize: (r) =>
    'skipped' in r
      ? r.skipped
      : `${r.files.read} file(s), ${r.events.distinct} event(s): ${r.events.added} added, ${r.events.updated} updated, ${r.events.removed} removed` +
        (r.rejected ? `, ${r.rejected} input item(s) rejected` : '') +
        (r.changed ? '' : ' (no change)'),
};
