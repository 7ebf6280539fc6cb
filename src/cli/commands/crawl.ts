import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { PassSummary } from '../../watch/runPass.js';
import { formatTable, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import type { ActionBinder } from './index.js';

type CrawlOptions = { all?: boolean; limit?: string; host?: string; source?: string; screenshots?: boolean };

export function registerCrawl(program: Command, bind: ActionBinder): void {
  const command = program
    .command('crawl')
    .description('check the sources that are due (one pass, politely), archive every capture and update their states')
    .option('--all', 'check every source now, due or not')
    .option('--limit <n>', 'check at most n sources (the most important first)')
    .option('--host <host>', 'only sources on this host (as in `sources`, e.g. example.org or example.org:8080)')
    .option('--source <url>', 'only this source (its normalized URL)')
    .option('--screenshots', 'keep a PNG of every page rendered in the browser under $CITEWATCH_HOME/snapshots');
  bind<CrawlOptions>(command, (options) => ({
    flags: options.screenshots ? { screenshots: true } : {},
    run: async ({ database, output, signal, config }) => {
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
        throw new UsageError(`--limit must be a positive whole number, got "${options.limit}"`);
      const { runPass } = await import('../../watch/runPass.js');
      // With databaseThread, the embedded database runs on a thread of its own, which also stores and
      // settles the pass's batches (storeAndSettle); otherwise storeAndSettle is unset and they run here.
      const { db, storeAndSettle } = await database({ thread: config.databaseThread });
      const progress = createProgress(output, 'crawling', 0);
      let summary: PassSummary;
      try {
        summary = await runPass(
          {
            db,
            storeAndSettle,
            config,
            signal,
            onProgress: (p) => {
              progress.setTotal(p.total);
              progress.tick();
            },
          },
          { all: options.all, limit, host: options.host, sourceUrl: options.source, screenshots: options.screenshots },
        );
      } finally {
        progress.stop();
      }
      if (output.json) return output.printJson(summary);
      printSummary(output, summary);
    },
  }));
}

export function printSummary(output: Output, s: PassSummary): void {
  if (s.checked === 0 && !s.interrupted) {
    output.out(
      s.hostsSkipped
        ? `nothing checked: ${s.hostsSkipped} host(s) busy or asking us to wait`
        : 'nothing due: every source was checked recently (--all checks them anyway)',
    );
    return;
  }
  output.out(
    `checked ${s.checked} sources on ${s.hosts} hosts in ${(s.durationMs / 1000).toFixed(1)} s${s.interrupted ? ' (interrupted: captures so far are kept)' : ''}`,
  );
  output.out(
    formatTable(
      ['result', 'sources'],
      [
        ['unchanged', s.unchanged],
        ['changed content', s.changedContent],
        ['first content', s.newContent],
        ['errors', s.errors],
        ...Object.entries(s.byOutcome)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([outcome, n]) => [`outcome: ${outcome}`, n]),
        ['hosts skipped', s.hostsSkipped],
        ['soft-404 probes', s.probes],
        ...Object.entries(s.stateMoves).map(([state, n]) => [`sources now ${state}`, n]),
        ['flags opened', s.flagsOpened],
      ],
    ),
  );
  for (const f of s.settleFailures)
    output.err(`source ${f.sourceId}: its state could not be derived this pass (kept as it was): ${f.message}`);
}
