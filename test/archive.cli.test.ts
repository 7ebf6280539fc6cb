import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { BIN, cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { story } from './helpers/archiveWeb.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

type Listed = {
  source: { url: string };
  captures: {
    id: number;
    at: string;
    outcome: string;
    httpStatus: number | null;
    contentChanged: boolean | null;
    bodyHash: string | null;
  }[];
};

/** What an archivist gets back: captures of a source over time, one capture's text, bytes and headers. */
describe(`citewatch captures / show (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let home: string;
  let url: string;
  const env = () => cliEnv(home, database.url, { CITEWATCH_HOST_DELAY_MS: '50', CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE });
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, env());
  const listed = async (...args: string[]) => JSON.parse((await cli('captures', url, '--json', ...args)).stdout) as Listed;

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({
      hosts: {
        'paper.example': {
          pages: {
            '/audit': {
              kind: 'rounds',
              rounds: [story('Audit finds transfers', '$4 million'), story('Audit finds transfers', '$9 million')],
            },
          },
        },
      },
    });
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-archive-cli-'));
    const timeline = mkdtempSync(path.join(os.tmpdir(), 'citewatch-archive-tl-'));
    url = web.url('paper.example', '/audit');
    writeFileSync(path.join(timeline, 'e.md'), `---\nid: e\ntitle: Audit\nsources:\n- url: ${url}\n---\nThe audit found $4 million.\n`);
    expect((await cli('ingest', timeline)).code).toBe(0);
    for (const round of [0, 0, 1]) {
      web.setRound(round);
      expect((await cli('crawl', '--all')).code).toBe(0);
    }
  }, 120_000);
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  it('lists every capture newest first, saying where the content changed', async () => {
    const { captures } = await listed();
    expect(captures).toHaveLength(3);
    expect(captures.map((c) => c.outcome)).toEqual(['fetched', expect.stringMatching(/fetched|not-modified/), 'fetched']);
    expect(captures[0].contentChanged).toBe(true);
    expect(captures[2].contentChanged).toBeNull();
    expect(new Date(captures[0].at) >= new Date(captures[2].at)).toBe(true);
  });

  it('narrows to a time range and to the capture closest to a time', async () => {
    const all = (await listed()).captures;
    const first = all[2];
    expect((await listed('--at', '2000-01-01')).captures.map((c) => c.id)).toEqual([first.id]);
    expect((await listed('--from', '2999')).captures).toEqual([]);
    expect((await listed('--to', new Date(first.at).toISOString())).captures.map((c) => c.id)).toEqual([first.id]);
  });

  it('shows a capture as text, as the exact bytes fetched, and as its headers', async () => {
    const [newest, , oldest] = (await listed()).captures;
    expect((await cli('show', String(newest.id))).stdout).toContain('$9 million');
    expect((await cli('show', String(oldest.id))).stdout).toContain('$4 million');
    const raw = await new Promise<Buffer>((resolve, reject) =>
      execFile(BIN, ['show', '--raw', String(oldest.id)], { env: env(), encoding: 'buffer', maxBuffer: 1 << 24 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    expect(raw.toString('utf8')).toMatch(/^<!doctype html>/i);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(raw).digest('hex')).toBe(oldest.bodyHash);
    expect((await cli('show', '--headers', String(oldest.id))).stdout).toMatch(/^content-type: text\/html/m);
  });

  it('says clearly what is wrong with a bad time, an unknown URL or capture', async () => {
    const badTime = await cli('captures', url, '--at', 'last tuesday');
    expect([badTime.code, badTime.stderr]).toEqual([2, expect.stringContaining('--at must be a time such as 2025-03-01')]);
    const unknown = await cli('captures', 'https://nowhere.example/never-cited');
    expect([unknown.code, unknown.stderr]).toEqual([
      4,
      expect.stringContaining('no cited source has the URL https://nowhere.example/never-cited'),
    ]);
    const noCapture = await cli('show', '999999');
    expect([noCapture.code, noCapture.stderr]).toEqual([4, expect.stringContaining('no capture has the id 999999')]);
  });
});
