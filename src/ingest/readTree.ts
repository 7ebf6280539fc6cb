import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { isTimelineFile } from './parseFile.js';
import type { Rejection } from './types.js';

export type InputList = {
  /** Absolute paths as given (after resolving): the scope in which missing events count as removed. */
  roots: string[];
  /** Every timeline file to read, sorted, each once. */
  files: string[];
  /** Directories that could not be listed: reported, the rest is still read. */
  rejections: Rejection[];
};

/**
 * Lists the files behind the paths given: a file as is (whatever its name), a directory
 * recursively (timeline files only; hidden entries and README files skipped). Fails before
 * reading anything when a path does not exist.
 */
export function listInputs(paths: string[], cwd = process.cwd()): InputList {
  const roots = [...new Set(paths.map((p) => path.resolve(cwd, p)))];
  const files = new Set<string>();
  const rejections: Rejection[] = [];
  for (const root of roots) {
    let stat: Stats;
    try {
      stat = statSync(root);
    } catch {
      throw new NotFoundError(`no such file or directory: ${root}`);
    }
    if (stat.isDirectory()) walk(root, files, rejections);
    else files.add(root);
  }
  return { roots, files: [...files].sort(), rejections };
}

function walk(dir: string, into: Set<string>, rejections: Rejection[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    rejections.push({ kind: 'unreadable-file', file: dir, reason: `cannot list the directory (${errorText(err)})` });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || /^readme(\.|$)/i.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, into, rejections);
    // Symlinked directories are not followed (no cycles). A symlink named like a timeline file is
    // listed even when it leads nowhere (a loop, a dangling link): reading it reports why.
    else if ((entry.isFile() || (entry.isSymbolicLink() && !isDirectory(full))) && isTimelineFile(full)) into.add(full);
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file's text, or why it cannot be had: unreadable, not a regular file (a FIFO would block the
 * read), larger than maxBytes (found by stat, so the file is never read whole), or not UTF-8.
 */
export function readText(file: string, maxBytes: number): { text: string } | { error: string } {
  let fd: number | undefined;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { error: 'not a regular file' };
    if (stat.size > maxBytes) return { error: `the file is ${stat.size} bytes, over the limit of ${maxBytes} (maxInputFileBytes)` };
    fd = openSync(file, 'r');
    // One byte more than allowed tells a file that grew since the stat from one that did not.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { error: `the file grew past the limit of ${maxBytes} bytes (maxInputFileBytes) while being read` };
    return { text: utf8.decode(buffer.subarray(0, length)) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) return { error: `cannot read the file (${errorText(err)})` };
    return { error: 'not UTF-8 text' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}`;
}
