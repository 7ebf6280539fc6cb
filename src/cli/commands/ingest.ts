import path from 'node:path';
import type { Command } from 'commander';
import { RejectedInputError } from '../../errors.js';
import type { IngestReport } from '../../ingest/index.js';
import type { Rejection } from '../../ingest/types.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import type { ActionBinder } from './index.js';

export function registerIngest(program: Command, bind: ActionBinder): void {
  const command = program
    .command('ingest')
    .description('read timeline files or directories (Markdown with front matter, JSON, YAML) into the database')
    .argument('<paths...>', 'files or directories (read recursively)')
    .option('--strict', 'fail (exit code 3) when any input was rejected; by default rejections are warnings');
  bind<{ strict?: boolean }>(command, (options, paths) => ({
    run: async ({ config, database, output, signal }) => {
      const { ingestPaths } = await import('../../ingest/index.js');
      const { db } = await database({ lean: true });
      const progress = createProgress(output, 'reading', 0);
      let report: IngestReport;
      try {
        report = await ingestPaths(db, paths, {
          signal,
          maxFileBytes: config.maxInputFileBytes,
          onListed: (n) => progress.setTotal(n),
          onFile: () => progress.tick(),
        });
      } finally {
        progress.stop();
      }
      if (output.json) output.printJson(report);
      else printSummary(output, report);
      if (options.strict && report.rejections.length > 0) {
        throw new RejectedInputError(`${report.rejections.length} input item(s) rejected and --strict given`);
      }
    },
  }));
}

const n = (x: number) => x.toLocaleString('en-US');

function printSummary(output: Output, r: IngestReport): void {
  const e = r.events;
  output.out(
    `read ${n(r.files.read)} files${r.files.rejected ? ` (${n(r.files.rejected)} unreadable)` : ''} in ${(r.durationMs / 1000).toFixed(1)} s: ${n(e.distinct)} events`,
  );
  output.out(
    `  events: ${n(e.added)} added, ${n(e.updated)} updated${e.restored ? ` (${n(e.restored)} restored)` : ''}, ${n(e.unchanged)} unchanged, ${n(e.removed)} marked removed`,
  );
  if (e.inTwoFiles) output.out(`  ${n(e.inTwoFiles)} events are given in more than one file (${n(e.conflicts)} with conflicting content)`);
  const c = r.citations;
  output.out(
    `  citations: ${n(c.given)} given, ${n(c.stored)} stored, ${n(c.unusable)} without a usable URL, ${n(c.repeated)} repeated within an event`,
  );
  if (c.attached || c.reattached || c.detached)
    output.out(`    ${n(c.attached)} attached, ${n(c.reattached)} re-attached, ${n(c.detached)} detached`);
  output.out(`  sources: ${n(r.sources.distinct)} distinct URLs on ${n(r.sources.hosts)} hosts (${n(r.sources.added)} new)`);
  if (r.interrupted) output.out('interrupted: nothing was written');
  else if (!r.changed) output.out('no change: the database already held exactly this');
  if (r.rejections.length === 0) return;
  output.out(`\n${n(r.rejections.length)} rejected (warnings; --strict makes them fail the run):`);
  for (const [kind, list] of groupByKind(r.rejections)) {
    output.out(`  ${kind} (${n(list.length)}):`);
    for (const x of list) output.out(`    ${where(x)}  ${x.reason}`);
  }
}

function groupByKind(rejections: Rejection[]): Map<string, Rejection[]> {
  const groups = new Map<string, Rejection[]>();
  for (const r of rejections) groups.set(r.kind, [...(groups.get(r.kind) ?? []), r]);
  return groups;
}

function where(r: Rejection): string {
  const file = path.relative(process.cwd(), r.file) || r.file;
  return r.line ? `${file}:${r.line}` : file;
}
