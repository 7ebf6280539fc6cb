import type { Command } from 'commander';
import type { Db } from '../../db/open.js';
import type { Output } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerDiff(program: Command, bind: ActionBinder): void {
  const command = program
    .command('diff')
    .argument('<url>', 'a cited URL, as the timeline spells it or normalized')
    .description("the latest change of a source's text, word by word (coloured on a terminal)");
  bind(command, (_options, [url]) => ({
    run: async ({ database, output }) => {
      const { db } = await database();
      if (output.json) {
        const [{ latestChange }, { findSourceByUrl }] = await Promise.all([
          import('../../diff/queries.js'),
          import('../../ingest/queries.js'),
        ]);
        const source = await findSourceByUrl(db, url);
        const { change, before, after } = await latestChange(db, source);
        return output.printJson({
          source: { id: source.id, url: source.url, state: source.state, reason: source.stateReason },
          change,
          passages: { removed: change.removed, added: change.added },
          before: { snapshotId: before.snapshotId, title: before.title, at: before.at },
          after: { snapshotId: after.snapshotId, title: after.title, at: after.at },
        });
      }
      await printLatestChange(db, output, url);
    },
  }));
}

/** A source's latest change for people: heading, then the title and text word diffs. */
export async function printLatestChange(db: Db, output: Output, url: string): Promise<void> {
  const [{ latestChange }, { findSourceByUrl }, { renderChangeHeading, renderWordDiff }, { wordDiff }] = await Promise.all([
    import('../../diff/queries.js'),
    import('../../ingest/queries.js'),
    import('../renderDiff.js'),
    import('../../diff/words.js'),
  ]);
  const source = await findSourceByUrl(db, url);
  const { change, before, after } = await latestChange(db, source);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  output.out(`${source.url}  (${source.state}${source.stateReason ? `: ${source.stateReason}` : ''})`);
  output.out(`${before.at.toISOString()} → ${after.at.toISOString()}  change ${change.id}`);
  output.outStyled(
    renderChangeHeading({ ...change, summary: change.summary ?? '' } as Parameters<typeof renderChangeHeading>[0], { color }),
  );
  output.out('');
  const titleBefore = before.title ?? '';
  const titleAfter = after.title ?? '';
  if (titleBefore !== titleAfter) output.outStyled(renderWordDiff(wordDiff(titleBefore, titleAfter), { color }) + '\n');
  output.outStyled(renderWordDiff(wordDiff(before.text, after.text), { color }));
}
