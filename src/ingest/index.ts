import { defaultConfig } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import { sanitizeForDb } from '../db/sanitizeText.js';
import { applyPlan } from './apply.js';
import { mergeDuplicates } from './merge.js';
import { parseTimelineFile } from './parseFile.js';
import { planIngest } from './plan.js';
import { listInputs, readText } from './readTree.js';
import { loadState } from './state.js';
import type { ParsedEvent, ParseResult, Rejection, RejectionKind } from './types.js';

export type IngestReport = {
  paths: string[];
  files: { read: number; rejected: number };
  events: {
    distinct: number;
    added: number;
    updated: number;
    unchanged: number;
    removed: number;
    restored: number;
    inTwoFiles: number;
    conflicts: number;
  };
  citations: { given: number; stored: number; unusable: number; repeated: number; attached: number; reattached: number; detached: number };
  sources: { distinct: number; hosts: number; added: number };
  /** Whether this run wrote anything besides its ingest_runs row. */
  changed: boolean;
  interrupted: boolean;
  durationMs: number;
  rejections: Rejection[];
};

export type IngestOptions = {
  signal?: AbortSignal;
  /** Called once the files are listed, then after each file is parsed (for a progress bar). */
  onListed?(files: number): void;
  onFile?(): void;
  /** Files larger than this are rejected unread (default: config maxInputFileBytes's). */
  maxFileBytes?: number;
};

/** Rejections that leave a file's events unknown: its stored events must not be taken as removed. */
const FILE_LEVEL: RejectionKind[] = ['unreadable-file', 'parse-error', 'missing-id', 'missing-field'];

/**
 * The edge of the ingest: reads the files behind `paths`, parses them (pure), loads what the
 * database holds, plans (pure) and applies the plan in one transaction, recording the run.
 */
export async function ingestPaths(db: Db, paths: string[], options: IngestOptions = {}): Promise<IngestReport> {
  const started = new Date();
  const { roots, files, rejections: unlisted } = listInputs(paths);
  options.onListed?.(files.length);
  const parsed: ParsedEvent[] = [];
  const rejections: Rejection[] = sanitizeForDb(unlisted);
  const maxFileBytes = options.maxFileBytes ?? defaultConfig().maxInputFileBytes;
  let read = 0;
  for (const file of files) {
    if (options.signal?.aborted) break;
    const result = readFile(file, maxFileBytes);
    parsed.push(...result.events);
    rejections.push(...result.rejections);
    read++;
    options.onFile?.();
  }
  const merged = mergeDuplicates(parsed);
  rejections.push(...merged.rejections);
  const protectedFiles = new Set(rejections.filter((r) => FILE_LEVEL.includes(r.kind)).map((r) => r.file));
  const { state, sourceIds } = await loadState(db);
  const plan = planIngest(merged.events, state, { roots, protectedFiles });

  const winners = merged.events;
  const stored = sum(winners, (e) => e.citations.length);
  const given = sum(winners, (e) => e.citationsGiven);
  const winnerKeys = new Set(winners.map((e) => `${e.file}\n${e.id}`));
  const repeated = rejections.filter((r) => r.kind === 'duplicate-citation' && winnerKeys.has(`${r.file}\n${r.eventId}`)).length;
  const report: IngestReport = {
    paths: roots,
    files: {
      read,
      rejected: new Set(rejections.filter((r) => r.kind === 'unreadable-file' || r.kind === 'parse-error').map((r) => r.file)).size,
    },
    events: {
      distinct: winners.length,
      added: plan.insertEvents.length,
      updated: plan.updateEvents.length,
      unchanged: plan.unchanged,
      removed: plan.removeEvents.length,
      restored: plan.restored.length,
      inTwoFiles: merged.duplicated,
      conflicts: merged.rejections.length,
    },
    citations: {
      given,
      stored,
      unusable: given - stored - repeated,
      repeated,
      attached: plan.citationsAttached,
      reattached: plan.citationsReattached,
      detached: plan.detachCitations.length,
    },
    sources: {
      distinct: new Set(winners.flatMap((e) => e.citations.map((c) => c.normalizedUrl))).size,
      hosts: new Set(winners.flatMap((e) => e.citations.map((c) => c.host))).size,
      added: plan.newSources.length,
    },
    changed: false,
    interrupted: Boolean(options.signal?.aborted),
    durationMs: 0,
    rejections,
  };
  if (report.interrupted) return finish(report, started);
  report.changed =
    plan.insertEvents.length +
      plan.updateEvents.length +
      plan.removeEvents.length +
      plan.detachCitations.length +
      plan.newSpellings.length +
      plan.newSources.length >
    0;
  const { rejections: _r, paths: _p, ...counts } = report;
  await applyPlan(db, plan, sourceIds, { startedAt: started, paths: roots, counts: flatten(counts), rejections });
  return finish(report, started);
}

/**
 * One file read, parsed and made storable. The strings are made storable here, before planning, and
 * not when rows are built: an id holding U+0000 must be compared with the stored ids in the form it is stored in.
 */
function readFile(file: string, maxBytes: number): ParseResult {
  const content = readText(file, maxBytes);
  if ('error' in content) return sanitizeForDb({ events: [], rejections: [{ kind: 'unreadable-file', file, reason: content.error }] });
  return sanitizeForDb(parseTimelineFile(file, content.text));
}

function finish(report: IngestReport, started: Date): IngestReport {
  report.durationMs = Date.now() - started.getTime();
  return report;
}

function sum<T>(items: T[], f: (item: T) => number): number {
  return items.reduce((n, item) => n + f(item), 0);
}

/** { events: { added: 3 } } → { 'events.added': 3 }, the shape of ingest_runs.counts. */
function flatten(value: object, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'number') out[prefix + k] = v;
    else if (typeof v === 'boolean') out[prefix + k] = v ? 1 : 0;
    else if (v && typeof v === 'object') Object.assign(out, flatten(v, `${prefix}${k}.`));
  }
  return out;
}
