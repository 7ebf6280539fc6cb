import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/open.js';
import { ingestPaths } from '../../src/ingest/index.js';
import { freePort, startSimWeb, type SimWeb } from '../../src/simweb/index.js';
import { runPass, type PassSummary } from '../../src/watch/runPass.js';
import { crawlConfig } from '../helpers/crawl.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';
import { HOSTILE_ADDRESS, hostileSpec, lyingResolver, startCanary, type Canary } from './passWeb.js';

/**
 * The permanent hostile pass: a timeline citing one page per attack, ingested and crawled twice the
 * way `citewatch crawl` does, with only the simulated web's range allowed. Every source must end with
 * a recorded capture, both passes must finish, and the canary on refused addresses must see nothing.
 */
describe(`a pass over hostile pages (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let canary: Canary;
  let urls: string[];
  const passes: PassSummary[] = [];
  const resolver = lyingResolver(HOSTILE_ADDRESS);

  beforeAll(async () => {
    database = await openTestDatabase();
    canary = await startCanary();
    const port = await freePort(HOSTILE_ADDRESS);
    const spec = hostileSpec(canary.port, port);
    web = await startSimWeb(spec);
    const cited = (host: string) =>
      Object.keys(spec.hosts[host].pages)
        .filter((p) => !/^\/chain\/[1-9]|^\/sw\.js$/.test(p))
        .map((p) => web.url(host, p));
    urls = [...cited('hostile.example'), ...cited('app.hostile.example'), `http://rebind.test:${port}/rebind-page`];
    const dir = mkdtempSync(path.join(tmpdir(), 'citewatch-hostile-'));
    const sources = urls.map((url, i) => `- title: Attack ${i}\n  url: ${JSON.stringify(url)}\n  outlet: Hostile`).join('\n');
    writeFileSync(
      path.join(dir, '2025-01-01--hostile-sources.md'),
      `---\nid: 2025-01-01--hostile-sources\ndate: '2025-01-01'\ntitle: Every hostile source\nimportance: 5\nsources:\n${sources}\n---\nA claim backed by pages that fight back.\n`,
    );
    const report = await ingestPaths(database.db, [dir]);
    expect(report.rejections).toEqual([]);
    const config = crawlConfig({ readTimeoutMs: 2000, totalTimeoutMs: 4000 });
    for (const round of [0, 1]) {
      web.setRound(round);
      passes.push(await runPass({ db: database.db, config, resolver }, { all: true }));
    }
    const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    const outcomes = await queryRows<{ url: string; outcome: string; error_kind: string | null }>(
      database.db,
      sql`select s.url, c.outcome, c.error_kind from captures c join sources s on s.id = c.source_id order by c.id`,
    );
    console.log(
      `hostile pass: ${urls.length} sources, peak RSS of the test process ${peakMiB} MiB\n` +
        outcomes.map((o) => `  ${o.outcome.padEnd(18)} ${(o.error_kind ?? '').padEnd(16)} ${o.url}`).join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    await web?.close();
    await canary?.close();
    await database?.close();
  });

  it('checks every hostile source in both passes', () => {
    expect(passes.map((p) => p.checked)).toEqual([urls.length, urls.length]);
  });

  it('records a capture for every source, failed ones included', async () => {
    const rows = await queryRows<{ url: string; n: number }>(
      database.db,
      sql`select s.url, count(c.id)::int as n from sources s left join captures c on c.source_id = s.id group by s.url`,
    );
    expect(rows.filter((r) => r.n < 2).map((r) => r.url)).toEqual([]);
    expect(rows).toHaveLength(urls.length);
  });

  it('never lets a byte reach the canary on a refused address', () => {
    expect(canary.connections()).toBe(0);
  });

  it('refuses every redirect to a refused address, however it is spelled', async () => {
    const rows = await queryRows<{ url: string; outcome: string }>(
      database.db,
      sql`select distinct s.url, c.outcome from captures c join sources s on s.id = c.source_id where s.url like '%/to/%'`,
    );
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.outcome !== 'refused-address')).toEqual([]);
  });

  it('checks every answer of a name that rebinds to loopback, and connects only where it checked', async () => {
    const rows = await queryRows<{ outcome: string }>(
      database.db,
      sql`select c.outcome from captures c join sources s on s.id = c.source_id where s.url like 'http://rebind.test%'`,
    );
    // Asked again after its first (allowed) answer, the name's loopback answer is refused; the canary stays at zero above.
    expect(resolver.lookups.get('rebind.test')).toBeGreaterThanOrEqual(2);
    expect(rows.map((r) => r.outcome)).toContain('refused-address');
    expect(rows.filter((r) => r.outcome !== 'fetched' && r.outcome !== 'refused-address')).toEqual([]);
  });

  it('renders script pages only through the guarded browser: a loop or a redirect to loopback is not rendered, and said so', async () => {
    const rows = await queryRows<{ url: string; outcome: string }>(
      database.db,
      sql`select s.url, c.outcome from captures c join sources s on s.id = c.source_id where s.url like '%/script-%'`,
    );
    const outcomes = (path: string) => new Set(rows.filter((r) => r.url.endsWith(path)).map((r) => r.outcome));
    expect([...outcomes('/script-navigate')]).toEqual(['not-rendered']);
    expect([...outcomes('/script-loop')]).toEqual(['not-rendered']);
    expect(outcomes('/script-exfiltrate').has('fetched')).toBe(true);
  });

  it('archives the NUL page as fetched, with its text kept', async () => {
    const [row] = await queryRows<{ outcome: string; text: string | null }>(
      database.db,
      sql`select c.outcome, sn.text from captures c join sources s on s.id = c.source_id left join snapshots sn on sn.id = c.snapshot_id where s.url like '%/nul' order by c.id limit 1`,
    );
    expect(row.outcome).toBe('fetched');
    expect(row.text).toContain('Text with a NUL');
  });
});
