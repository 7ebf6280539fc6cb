import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';
import { CORPUS } from './helpers/paths.js';

type Result = CliResult;

describe(`citewatch ingest / events / sources end to end (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let home: string;
  let small: string;
  let first: Result;
  let second: Result;

  /** Runs the CLI in a child process on the test database (PGlite under a temp home, or the server copy). */
  function cli(...args: string[]): Promise<Result> {
    return runCli(args, cliEnv(home, database.url));
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    // The child opens the embedded database itself: the in-process one only serves PostgreSQL runs.
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-cli-'));
    small = mkdtempSync(path.join(os.tmpdir(), 'citewatch-small-'));
    writeFileSync(
      path.join(small, 'ok.md'),
      '---\nid: ok\ntitle: Fine\nimportance: 2\nsources:\n- url: https://fine.example/a\n---\nBody.\n',
    );
    first = await cli('ingest', CORPUS, '--json');
    second = await cli('ingest', CORPUS);
  });
  afterAll(async () => {
    await database.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(small, { recursive: true, force: true });
  });

  it('ingests the corpus and prints one JSON object with counts and rejections', () => {
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.files.read).toBe(2047);
    expect(report.events).toMatchObject({ distinct: 1930, added: 1930, unchanged: 0 });
    expect(report.citations).toMatchObject({ given: 6403, stored: 6332, unusable: 63 });
    expect(report.sources).toMatchObject({ distinct: 5523, hosts: 1158 });
    expect(report.rejections).toHaveLength(71);
    expect(report.rejections[0]).toEqual(
      expect.objectContaining({
        kind: expect.any(String),
        file: expect.stringContaining(CORPUS),
        line: expect.any(Number),
        reason: expect.any(String),
      }),
    );
  });

  it('says there was no change on the second run, with the rejections grouped by kind', () => {
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 added, 0 updated, 1,930 unchanged, 0 marked removed/);
    expect(second.stdout).toContain('no change');
    expect(second.stdout).toMatch(/^ {2}not-a-url \(31\):$/m);
    expect(second.stdout).toMatch(/^ {4}\S+\.md:\d+ {2}citation \d+ .*"Bloomberg" is not a URL/m);
    expect(second.stderr).toBe('');
  });

  it('fails with --strict when anything was rejected, and not otherwise', async () => {
    const clean = await cli('ingest', small, '--strict', '--json');
    expect(clean.code).toBe(0);
    writeFileSync(path.join(small, 'bad.json'), '{"id": "bad", "title": "Bad", "sources": [{"url": "Reuters"}]}');
    const strict = await cli('ingest', small, '--strict', '--json');
    expect(strict.code).toBe(3);
    expect(JSON.parse(strict.stdout).rejections).toMatchObject([{ kind: 'not-a-url', eventId: 'bad' }]);
    expect(strict.stderr).toMatch(/1 input item\(s\) rejected and --strict given/);
    const lenient = await cli('ingest', small);
    expect(lenient.code).toBe(0);
  });

  it('names a path that does not exist', async () => {
    const missing = path.join(small, 'no-such-dir');
    const result = await cli('ingest', missing);
    expect(result.code).toBe(4);
    expect(result.stderr.trim()).toBe(`citewatch: no such file or directory: ${missing}`);
  });

  it('lists events with filters, as JSON', async () => {
    const result = await cli('events', '--json', '--min-importance', '10', '--status', 'confirmed', '--limit', '7');
    expect(result.code).toBe(0);
    const events = JSON.parse(result.stdout);
    expect(events).toHaveLength(7);
    for (const e of events) expect(e).toMatchObject({ importance: 10, status: 'confirmed' });
    const table = await cli('events', '--limit', '3');
    expect(table.stdout.split('\n')[0]).toMatch(/^date\s+imp\s+status\s+src\s+id\s+title$/);
    expect((await cli('events', '--limit', 'many')).code).toBe(2);
  });

  it('lists sources with state and the events citing them', async () => {
    const result = await cli('sources', '--json');
    expect(result.code).toBe(0);
    const sources = JSON.parse(result.stdout) as {
      url: string;
      host: string;
      state: string;
      reason: null;
      checkedAt: null;
      priority: number;
      events: string[];
    }[];
    expect(sources).toHaveLength(5523 + 1); // + the small directory's one usable URL
    expect(sources[0]).toEqual({
      url: expect.stringMatching(/^https?:\/\//),
      host: expect.any(String),
      state: 'pending',
      reason: null,
      checkedAt: null,
      priority: 10,
      events: expect.any(Array),
    });
    const cited = sources.filter((s) => s.events.length > 1);
    expect(cited.length).toBeGreaterThan(0);
    expect(sources.find((s) => s.url === 'https://fine.example/a')?.events).toEqual(['ok']);
  });
});
