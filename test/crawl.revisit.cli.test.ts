import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sources } from '../src/db/schema/index.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { openCliDatabase, testDatabaseKind } from './helpers/db.js';
import { addCapture, articleHtml, seedSource } from './helpers/sourceHistory.js';

const H = 3_600_000;
const D = 24 * H;
const PAGE = articleHtml('Port authority renews the dredging contract', [
  'The port authority renewed the dredging contract for another five years at a cost of 80 million dollars, its board said on Monday.',
]);

describe(`citewatch sources --due (${testDatabaseKind})`, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  const now = Date.now();

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-due-cli-'));
    env = cliEnv(home, undefined);
    const { database } = await openCliDatabase(home, env);
    const { db } = database;
    const seed = async (
      name: string,
      row: Partial<typeof sources.$inferInsert>,
      capture?: { at: Date; status?: number },
    ): Promise<void> => {
      const s = await seedSource(db, `https://due.example.org/${name}`, []);
      if (capture) await addCapture(db, s, capture.status ? { at: capture.at, status: capture.status } : { at: capture.at, html: PAGE });
      await db.update(sources).set(row).where(eq(sources.id, s.id));
    };
    // Seeded out of order: the listing sorts them.
    await seed(
      'quiet',
      { state: 'ok', stateSince: new Date(now - 12 * D), checkedAt: new Date(now - 2 * D), nextCheckAt: new Date(now + 3 * D) },
      { at: new Date(now - 2 * D) },
    );
    await seed(
      'suspect',
      {
        state: 'ok',
        stateReason: 'unconfirmed http-404 (1/2)',
        stateSince: new Date(now - 40 * D),
        checkedAt: new Date(now - 20 * 60_000),
        nextCheckAt: new Date(now + 40 * 60_000),
        consecutiveFailures: 1,
      },
      { at: new Date(now - 20 * 60_000), status: 404 },
    );
    await seed('fresh', { state: 'pending' });
    await seed(
      'late',
      { state: 'ok', stateSince: new Date(now - 60 * D), checkedAt: new Date(now - 8 * D), nextCheckAt: new Date(now - 2 * H) },
      { at: new Date(now - 8 * D) },
    );
    if (testDatabaseKind === 'pglite') await database.close();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('lists never-checked and overdue sources first, then by next check, each with why', async () => {
    const r = await runCli(['sources', '--due', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { url: string; why: string; overdueMs: number; nextCheckAt: string | null }[];
    expect(rows.map((x) => [x.url.split('/').pop(), x.why])).toEqual([
      ['fresh', 'new'],
      ['late', 'ceiling'],
      ['suspect', 'confirm'],
      ['quiet', 'backing-off'],
    ]);
    expect(rows[1].overdueMs).toBeGreaterThanOrEqual(2 * H - 60_000);
    expect(rows[2].overdueMs).toBe(0);
  });

  it('says it for people too: due now, overdue, in how long', async () => {
    const r = await runCli(['sources', '--due'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.includes('/fresh'))).toMatch(/^now\b/);
    expect(lines.find((l) => l.includes('/late'))).toMatch(/^overdue 2 h/);
    expect(lines.find((l) => l.includes('/suspect'))).toMatch(/^in (39|40) min .* confirm /);
    expect(r.stdout).toMatch(/4 source\(s\), 2 due now/);
  });
});
