import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where a running `watch` lends its embedded database, written to `$home/db.share.json`. */
export type ShareRecord = { pid: number; socket: string; startedAt: string };

export function shareRecordPath(home: string): string {
  return path.join(home, 'db.share.json');
}

/** Written whole (a temp file renamed over it), so a reader never sees half a record. */
export function writeShareRecord(home: string, record: ShareRecord): void {
  const file = shareRecordPath(home);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(record) + '\n', { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * The record of the process `holder` (the live pid holding the home lock), or null: a record left by
 * a process that is gone (kill -9) names another pid and is ignored, so it can never send a command
 * to a socket nobody serves.
 */
export function readShareRecord(home: string, holder: number): ShareRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(shareRecordPath(home), 'utf8'));
  } catch {
    return null;
  }
  const record = parsed as Partial<ShareRecord>;
  if (record?.pid !== holder || typeof record.socket !== 'string') return null;
  return record as ShareRecord;
}

/** Removes the record if it is still this one (a newer service may have replaced it). */
export function removeShareRecord(home: string, record: ShareRecord): void {
  if (readShareRecord(home, record.pid)?.startedAt === record.startedAt) rmSync(shareRecordPath(home), { force: true });
}
