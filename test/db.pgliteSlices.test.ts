import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceEventLoop } from '../src/db/pgliteSlices.js';

/**
 * Runs `statements` inserts in one transaction and answers how many had run when a turn of the
 * event loop queued before it came: -1 when it had not come by the time the transaction ended.
 */
async function turnDuringTransaction(client: PGlite, statements: number): Promise<number> {
  let done = 0;
  let seenAt = -1;
  setImmediate(() => (seenAt = done));
  await client.transaction(async (tx) => {
    for (; done < statements; done++) await tx.query('insert into t values ($1)', [done]);
  });
  return seenAt;
}

describe('PGlite on a thread that does other work (sliceEventLoop)', () => {
  let plain: PGlite;
  let sliced: PGlite;
  beforeAll(async () => {
    [plain, sliced] = await Promise.all([PGlite.create(), PGlite.create().then((c) => sliceEventLoop(c, 1))]);
    await Promise.all([plain.exec('create table t (n int)'), sliced.exec('create table t (n int)')]);
  });
  afterAll(() => Promise.all([plain.close(), sliced.close()]));

  it('left alone, PGlite runs a whole transaction without giving the event loop a turn', async () => {
    expect(await turnDuringTransaction(plain, 300)).toBe(-1);
  });

  it('sliced, a timer or socket waiting meanwhile runs before the transaction ends, and every statement still lands', async () => {
    const seenAt = await turnDuringTransaction(sliced, 300);
    expect(seenAt).toBeGreaterThanOrEqual(0);
    expect(seenAt).toBeLessThan(300);
    const { rows } = await sliced.query<{ n: number }>('select count(*)::int as n from t');
    expect(rows[0].n).toBe(300);
  });
});
