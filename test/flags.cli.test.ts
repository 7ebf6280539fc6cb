import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/loadConfig.js';
import type { Database } from '../src/db/open.js';
import { reviews } from '../src/db/schema/index.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { openCliDatabase, testDatabaseKind } from './helpers/db.js';
import { seedFlaggedWorld } from './helpers/server.js';

const ARTICLE_URL = 'https://finance.example.com/2026/04/bank-fined-suspicious-transfers';
const GONE_URL = 'https://wire.example.net/markets/2026/governor-accounts-frozen';

describe(`citewatch flags / diff CLI (${testDatabaseKind})`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let reopen: () => Promise<Database>;

  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-flags-cli-'));
    env = cliEnv(home, undefined, { CITEWATCH_REVIEWER: 'night-desk' });
    const { database, reopen: again } = await openCliDatabase(home, env);
    reopen = again;
    await seedFlaggedWorld(database.db, defaultConfig({}), { articleUrl: ARTICLE_URL, figures: ['12 million', '21 million'] });
    // The embedded database is locked by its opener: the CLI can only open it once this closes.
    if (testDatabaseKind === 'pglite') await database.close();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('lists open flags as JSON, most important first, with each source state', async () => {
    const run = await cli('flags', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout);
    expect(listed.map((f: { eventId: string }) => f.eventId)).toEqual(['bank-fine', 'governor']);
    expect(listed[0]).toMatchObject({ title: 'Regulator fined the bank 12 million euros', importance: 9, state: 'open' });
    expect(listed[0].sources).toEqual([expect.objectContaining({ url: ARTICLE_URL, state: 'changed', changeId: expect.any(Number) })]);
    expect(listed[0].reasons).toEqual([`changed: ${listed[0].sources[0].reason}`]);
    expect(listed[1].sources.map((s: { url: string; state: string; reason: string }) => [s.url, s.state])).toEqual([
      [ARTICLE_URL, 'changed'],
      [GONE_URL, 'vanished'],
    ]);
    expect(listed[1].sources[1].reason).toBe('http-404');
  });

  it('prints a table for people', async () => {
    const run = await cli('flags');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/bank-fine\s+9\s+open\s+Regulator fined/);
    expect(run.stdout).toContain(`vanished http-404  ${GONE_URL}`);
  });

  it('resolves and dismisses with who and why, and names an event without an open flag', { timeout: 180_000 }, async () => {
    const resolved = await cli('flags', 'resolve', 'bank-fine', '--note', 'figure corrected to 21 million');
    expect(resolved).toMatchObject({ code: 0, stderr: '' });
    expect(resolved.stdout).toContain('resolved by night-desk');
    const dismissed = await cli('flags', 'dismiss', 'governor', '--note', 'not what the event rests on', '--reviewer', 'ana');
    expect(dismissed.code).toBe(0);
    const again = await cli('flags', 'resolve', 'bank-fine', '--note', 'twice');
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('event bank-fine has no open flag to resolve');
    const unknown = await cli('flags', 'dismiss', 'no-such-event', '--note', 'x');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('event no-such-event does not exist');
    const noNote = await cli('flags', 'resolve', 'governor');
    expect(noNote.code).toBe(2);

    const all = JSON.parse((await cli('flags', '--all', '--json')).stdout);
    expect(all.map((f: { eventId: string; state: string }) => [f.eventId, f.state])).toEqual([
      ['bank-fine', 'resolved'],
      ['governor', 'dismissed'],
    ]);
    expect(JSON.parse((await cli('flags', '--json')).stdout)).toEqual([]);
    const database = await reopen();
    try {
      const rows = await database.db.select().from(reviews);
      expect(rows.map((r) => [r.action, r.reviewer, r.note]).sort()).toEqual([
        ['dismiss', 'ana', 'not what the event rests on'],
        ['resolve', 'night-desk', 'figure corrected to 21 million'],
      ]);
    } finally {
      await database.close();
    }
  });

  it('shows the latest change of a source by its cited or normalized URL', { timeout: 120_000 }, async () => {
    const json = await cli('diff', ARTICLE_URL.replace('https://finance.example.com', 'HTTPS://Finance.Example.com') + '#top', '--json');
    expect(json.stderr).toBe('');
    const shown = JSON.parse(json.stdout);
    expect(shown.source.url).toBe(ARTICLE_URL);
    expect(shown.change).toMatchObject({ classification: 'material', id: expect.any(Number) });
    expect(shown.passages.removed.join(' ')).toContain('12 million');
    expect(shown.passages.added.join(' ')).toContain('21 million');
    const text = await cli('diff', ARTICLE_URL);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\[-12-\]\s*\{\+21\+\}|\[-12 million-\]/);
    expect(text.stdout).not.toContain('\u001b[');
    const unknown = await cli('diff', 'https://nowhere.example.org/x');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('no cited source has the URL https://nowhere.example.org/x');
    const noChange = await cli('diff', GONE_URL);
    expect(noChange.code).toBe(4);
    expect(noChange.stderr).toContain(`no change recorded yet for ${GONE_URL}`);
  });
});
