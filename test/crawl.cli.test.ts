import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../src/db/open.js';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { BIN, cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

const story = (headline: string) => ({
  kind: 'article' as const,
  template: 'wire' as const,
  article: {
    headline,
    byline: 'Lin Correspondent',
    published: '2024-02-02',
    paragraphs: Array.from(
      { length: 6 },
      (_, i) =>
        `${headline}, part ${i + 1}: the ministry confirmed the figures in a statement on Friday and said an audit would follow within weeks.`,
    ),
  },
});

describe(`citewatch crawl end to end (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let home: string;
  let timeline: string;

  function env(): NodeJS.ProcessEnv {
    return cliEnv(home, database.url, {
      CITEWATCH_HOST_DELAY_MS: '50',
      CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE,
      CITEWATCH_TOTAL_TIMEOUT_MS: '3000',
      CITEWATCH_READ_TIMEOUT_MS: '2000',
    });
  }
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, env());
  async function query<T>(text: string): Promise<T[]> {
    if (database.url) return queryRows<T>(database.db, sql.raw(text));
    const local = await openDatabase({ home });
    try {
      return await queryRows<T>(local.db, sql.raw(text));
    } finally {
      await local.close();
    }
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({
      hosts: {
        'a.example': {
          pages: { '/one': story('Audit ordered'), '/two': story('Audit delayed'), '/gone': { kind: 'status', status: 404 } },
        },
        'b.example': { pages: { '/three': story('Audit published') } },
        'slow.example': {
          pages: Object.fromEntries(
            Array.from({ length: 6 }, (_, i) => [`/s${i}`, { kind: 'slow', delayMs: 400, then: story(`Slow ${i}`) }]),
          ),
        },
      },
    });
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-crawl-cli-'));
    timeline = mkdtempSync(path.join(os.tmpdir(), 'citewatch-crawl-tl-'));
    const urls = [
      ['a.example', '/one'],
      ['a.example', '/two'],
      ['a.example', '/gone'],
      ['b.example', '/three'],
    ].map(([h, p]) => web.url(h, p));
    writeFileSync(
      path.join(timeline, 'e1.md'),
      `---\nid: e1\ntitle: Audit\nimportance: 8\nsources:\n${urls.map((u) => `- url: ${u}\n`).join('')}---\nThe ministry ordered an audit.\n`,
    );
    const ingest = await cli('ingest', timeline);
    expect(ingest.stderr).toBe('');
  });
  afterAll(async () => {
    await web?.close();
    await database?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(timeline, { recursive: true, force: true });
  });

  it('crawls what is due and prints the summary as one JSON object', async () => {
    const r = await cli('crawl', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      checked: 4,
      newContent: 3,
      errors: 1,
      byOutcome: { fetched: 3, 'http-error': 1 },
      hosts: 2,
      interrupted: false,
    });
    const states = await query<{ state: string; n: number }>('select state, count(*)::int as n from sources group by state order by state');
    expect(states.some((s) => s.state !== 'pending')).toBe(true); // onCaptured derived states
    expect(existsSync(path.join(process.cwd(), 'storage'))).toBe(false); // crawlee kept its queues in memory
  });

  it('finds nothing due straight after, and --all rechecks with an aligned table', async () => {
    const idle = await cli('crawl');
    expect(idle.stdout).toMatch(/nothing due/);
    const again = await cli('crawl', '--all', '--host', new URL(web.url('a.example')).host);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/checked 3 sources on 1 hosts/);
    expect(again.stdout).toMatch(/^unchanged\s+2$/m);
    expect(again.stdout).toMatch(/^outcome: not-modified\s+2$/m);
  });

  it('rejects a bad --limit with a clear message', async () => {
    const r = await cli('crawl', '--limit', 'lots');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit must be a positive whole number, got "lots"/);
  });

  it('stops on Ctrl-C, keeping the captures made so far and nothing half-written', async () => {
    const slowUrls = Array.from({ length: 6 }, (_, i) => web.url('slow.example', `/s${i}`));
    writeFileSync(
      path.join(timeline, 'e2.md'),
      `---\nid: e2\ntitle: Slow\nimportance: 1\nsources:\n${slowUrls.map((u) => `- url: ${u}\n`).join('')}---\nSlow pages.\n`,
    );
    expect((await cli('ingest', timeline)).code).toBe(0);
    const child = spawn(BIN, ['crawl'], { env: env() });
    const before = web.log.filter((r) => r.host === 'slow.example' && r.path.startsWith('/s')).length;
    await web.waitForRequests(web.log.length + 4, { timeoutMs: 30_000 });
    while (web.log.filter((r) => r.host === 'slow.example' && r.path.startsWith('/s')).length <= before)
      await web.waitForRequests(web.log.length + 1, { timeoutMs: 30_000 });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const [counts] = await query<{ captures: number; orphans: number }>(
      `select (select count(*)::int from captures c join sources s on s.id = c.source_id where s.url like '%/s_') as captures,
              (select count(*)::int from captures where outcome = 'fetched' and snapshot_id is null) as orphans`,
    );
    expect(counts.captures).toBeGreaterThanOrEqual(1);
    expect(counts.captures).toBeLessThan(6);
    expect(counts.orphans).toBe(0);
  });
});
