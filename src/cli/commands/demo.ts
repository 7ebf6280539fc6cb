import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { DemoReport } from '../../demo/runDemo.js';
import { UsageError } from '../../errors.js';
import type { Db } from '../../db/open.js';
import type { Output } from '../output.js';
import { flagToJson, formatFlagsTable } from './flags.js';
import type { ActionBinder } from './index.js';

/** The simulated web answers at once, so the demo may ask more often than a real crawl would. */
const DEMO_HOST_DELAY_MS = 200;

type DemoFlags = { corpus?: string; sample?: string; seed?: string; hostDelayMs?: string };

export function registerDemo(program: Command, bind: ActionBinder): void {
  const command = program
    .command('demo')
    .description('the whole pipeline offline: a sample of the real timeline on a simulated web, crawled, changed, crawled again, flagged')
    .option('--corpus <dir>', 'timeline directory to sample (default: the sample shipped in src/demo/timeline)')
    .option('--sample <n>', 'how many of its files (default all of the shipped sample, 40 of another)')
    .option('--seed <n>', 'seed of the simulated web (same seed, same story)', '7')
    .option(
      '--host-delay-ms <ms>',
      `gap between requests to one simulated host (default: hostDelayMs if configured, else ${DEMO_HOST_DELAY_MS})`,
    );
  bind<DemoFlags>(command, (options) => {
    // The demo keeps its archive in a fresh temporary home unless --home names one.
    const home = command.optsWithGlobals().home ?? mkdtempSync(path.join(os.tmpdir(), 'citewatch-demo-'));
    return {
      flags: { home },
      run: async ({ config, origins, output, signal }) => {
        const { BUNDLED_TIMELINE, runDemo } = await import('../../demo/runDemo.js');
        const corpusDir = options.corpus ? path.resolve(options.corpus) : BUNDLED_TIMELINE;
        const sample = positiveInt('--sample', options.sample) ?? (options.corpus ? 40 : undefined);
        const say = (line: string) => (output.json ? undefined : output.out(`• ${line}`));
        const report = await runDemo(
          { config, signal, say },
          {
            corpusDir,
            sample,
            seed: positiveInt('--seed', options.seed) ?? 7,
            hostDelayMs:
              positiveInt('--host-delay-ms', options.hostDelayMs) ??
              (origins.hostDelayMs === 'default' ? DEMO_HOST_DELAY_MS : config.hostDelayMs),
          },
          output.json ? undefined : (db, r) => showOutcome(db, output, r),
        );
        if (output.json) output.printJson({ ...report, flags: report.flags.map(flagToJson) });
      },
    };
  });
}

async function showOutcome(db: Db, output: Output, report: DemoReport): Promise<void> {
  output.out('');
  output.out(`${report.flags.length} events flagged for an editor:`);
  if (report.flags.length > 0) output.out(formatFlagsTable(report.flags));
  const sources = report.flags.flatMap((f) => f.sources);
  const shown = sources.find((s) => s.changeId && s.touchesClaim?.touches) ?? sources.find((s) => s.changeId);
  if (shown) {
    output.out('\nThe change behind one flag, word by word:\n');
    const { printLatestChange } = await import('./diff.js');
    await printLatestChange(db, output, shown.url);
  }
  output.out(`\nThe demo's archive is kept in ${report.home}; look around with:`);
  output.out(`  npx citewatch --home ${report.home} status`);
  output.out(`  npx citewatch --home ${report.home} sources`);
  output.out(`  npx citewatch --home ${report.home} flags`);
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, got "${raw}"`);
  return n;
}
