import cliProgress from 'cli-progress';
import type { Output } from './output.js';

export type Progress = {
  /** Counts n more items done (default 1). */
  tick(n?: number): void;
  /** Changes the total, e.g. once a directory walk knows how many files there are. */
  setTotal(n: number): void;
  /** Removes the bar; call it before printing anything else. Safe to call twice. */
  stop(): void;
};

const SILENT: Progress = { tick: () => {}, setTotal: () => {}, stop: () => {} };

/**
 * A progress bar on stderr when a person watches it (a TTY, no --json); silent otherwise, so logs
 * and pipes never fill with redraws. Shared by the long commands (ingest, crawl).
 */
export function createProgress(
  output: Pick<Output, 'interactive'>,
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!output.interactive) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 0), 0);
  let stopped = false;
  return {
    tick: (n = 1) => {
      if (!stopped) bar.increment(n);
    },
    setTotal: (n) => {
      if (!stopped) bar.setTotal(n);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
