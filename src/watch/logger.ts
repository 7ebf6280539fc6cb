import { printable } from '../cli/output.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** One thing that happened in the service: a job started, finished, failed, was skipped; the service started or stopped. */
export type LogEvent = {
  level?: LogLevel;
  /** The job it is about, if any. */
  job?: string;
  event: string;
  durationMs?: number;
  detail?: Record<string, unknown>;
  /** For people: a line saying what happened (the JSON form keeps the fields instead). */
  message?: string;
};

export type Logger = { log(event: LogEvent): void };

export type LogFormat = 'text' | 'json';

/** A log line: one JSON object (at, level, job, event, durationMs, detail), or a line for people. */
export function formatLogLine(format: LogFormat, at: Date, e: LogEvent): string {
  const level = e.level ?? 'info';
  if (format === 'json') {
    return JSON.stringify({ at: at.toISOString(), level, job: e.job, event: e.event, durationMs: e.durationMs, detail: e.detail });
  }
  const head = [at.toISOString(), level.padEnd(5), e.job ?? '-', e.event].join(' ');
  const took = e.durationMs === undefined ? '' : ` in ${formatDuration(e.durationMs)}`;
  return printable(`${head}${took}${e.message ? `: ${e.message}` : ''}`, { inline: true });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Writes each event as one line to `write` (stderr for people, stdout for machines: the command decides). */
export function createLogger(format: LogFormat, write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  return { log: (e) => write(formatLogLine(format, now(), e)) };
}
