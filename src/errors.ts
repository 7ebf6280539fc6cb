/**
 * Errors carry their policy: what exit code a CLI run ends with, what HTTP status an API answers,
 * and whether trying again may help. They are turned into output in one place (src/cli/run.ts).
 */
export type ErrorPolicy = { exitCode: number; httpStatus: number; retryable: boolean };

export class CitewatchError extends Error {
  readonly policy: ErrorPolicy;
  constructor(message: string, policy: Partial<ErrorPolicy> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.policy = { exitCode: 1, httpStatus: 500, retryable: false, ...policy };
  }
}

/** The user asked for something that cannot be done as asked (bad flag, unknown id). */
export class UsageError extends CitewatchError {
  constructor(message: string) {
    super(message, { exitCode: 2, httpStatus: 400 });
  }
}

/** A configuration key has a bad value; the message names the key. */
export class ConfigError extends CitewatchError {
  constructor(message: string) {
    super(message, { exitCode: 78, httpStatus: 500 });
  }
}

/** Something the user asked for does not exist. */
export class NotFoundError extends CitewatchError {
  constructor(message: string) {
    super(message, { exitCode: 4, httpStatus: 404 });
  }
}

/** The database could not be opened or used (server down, embedded store locked). */
export class DatabaseError extends CitewatchError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, { exitCode: 69, httpStatus: 503, retryable: options?.retryable ?? true }, options);
  }
}

/** Input data was rejected and `--strict` asked for that to fail the run. */
export class RejectedInputError extends CitewatchError {
  constructor(message: string) {
    super(message, { exitCode: 3, httpStatus: 422 });
  }
}

/** Exit code for a run stopped by Ctrl-C / SIGTERM after it finished its in-flight work. */
export const EXIT_INTERRUPTED = 130;

/** What went wrong, in a line: for a failed query, the database's own reason rather than the query drizzle wraps it in. */
export function reasonOf(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const reason = cause instanceof Error && /^Failed query:/.test((err as Error).message) ? cause.message : (err as Error)?.message;
  return String(reason ?? err).slice(0, 500);
}
