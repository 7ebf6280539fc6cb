import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

type Pass = { round: number; summary: { checked: number; stateMoves: Record<string, number>; flagsOpened: number } };
type DemoJson = {
  files: number;
  urls: number;
  ingest: { events: { distinct: number }; sources: { distinct: number }; rejections: unknown[] };
  passes: Pass[];
  flags: { eventId: string; state: string; sources: { url: string; state: string; reason: string; changeId: number | null }[] }[];
};

/** The README's first command, end to end, on a small sample of the bundled timeline. */
describe(`citewatch demo (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let home: string;
  let run: CliResult;
  let report: DemoJson;

  beforeAll(async () => {
    database = await openTestDatabase();
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-demo-test-'));
    run = await runCli(['--json', 'demo', '--sample', '12', '--home', home], cliEnv(home, database.url));
    report = JSON.parse(run.stdout) as DemoJson;
  }, 240_000);
  afterAll(async () => {
    await database?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('ingests the sample and checks every source in each of its three passes', () => {
    expect(run.code).toBe(0);
    expect(report.files).toBe(12);
    expect(report.ingest.rejections).toEqual([]);
    expect(report.ingest.sources.distinct).toBe(report.urls);
    expect(report.passes.map((p) => p.round)).toEqual([0, 1, 1]);
    for (const p of report.passes) expect(p.summary.checked).toBe(report.ingest.sources.distinct);
  });

  it('finds every page fine as first cited, and confirms a vanished page only on the second look', () => {
    const [first, second, third] = report.passes.map((p) => p.summary.stateMoves);
    expect(Object.keys(first)).toEqual(['ok']);
    expect(second.vanished).toBeUndefined();
    expect(third.vanished).toBeGreaterThan(0);
  });

  it('flags the events whose sources changed or vanished, each once', () => {
    expect(report.flags.length).toBeGreaterThan(0);
    expect(report.flags.length).toBe(report.passes.reduce((n, p) => n + p.summary.flagsOpened, 0));
    expect(new Set(report.flags.map((f) => f.eventId)).size).toBe(report.flags.length);
    for (const flag of report.flags) {
      expect(flag.state).toBe('open');
      for (const s of flag.sources) {
        expect(['changed', 'vanished']).toContain(s.state);
        expect(s.reason).toBeTruthy();
        if (s.state === 'changed') expect(s.changeId).not.toBeNull();
      }
    }
  });
});
