import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { isTimelineFile } from './parseFile.js';

export type InputList = {
  /** Absolute paths as given (after resolving): the scope in which missing events count as removed. */
  roots: string[];
  /** Every timeline file to read, sorted, each once. */
  files: string[];
};

/**
 * Lists the files behind the paths given: a file as is (whatever its name), a directory
 * recursively (timeline files only; hidden entries and README files skipped). Fails before
 * reading anything when a path does not exist.
 */
export function listInputs(paths: string[], cwd = process.cwd()): InputList {
  const roots = [...new Set(paths.map((p) => path.resolve(cwd, p)))];
  const files = new Set<string>();
  for (const root of roots) {
    let stat;
    try {
      stat = statSync(root);
    } catch {
      throw new NotFoundError(`no such file or directory: ${root}`);
    }
    if (stat.isDirectory()) walk(root, files);
    else files.add(root);
  }
  return { roots, files: [...files].sort() };
}

function walk(dir: string, into: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || /^readme(\.|$)/i.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    // Symlinked directories are not followed (no cycles); symlinked files are read.
    const isFile = entry.isFile() || (entry.isSymbolicLink() && safeIsFile(full));
    if (entry.isDirectory()) walk(full, into);
    else if (isFile && isTimelineFile(full)) into.add(full);
  }
}

function safeIsFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file's text, or why it cannot be had (unreadable, not UTF-8). */
export function readText(file: string): { text: string } | { error: string } {
  try {
    return { text: utf8.decode(readFileSync(file)) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code) return { error: `cannot read the file (${e.code}: ${e.message.replace(/^[A-Z]+: /, '')})` };
    return { error: 'not UTF-8 text' };
  }
}
