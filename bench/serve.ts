/**
 * Page times of the review app on the server, with the whole real timeline ingested and a share of
 * its sources flagged (changed or vanished), measured with fastify's inject (no network, no browser):
 * the time citewatch takes to answer each page, as a signed-in editor sees it.
 * Usage: npm run bench:serve [-- --flagged <sources>]   (default 600 sources flagged)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { prepareSnapshot } from '../src/archive/store.js';
import { storeCapture } from '../src/archive/storeCaptures.js';
import { defaultConfig } from '../src/config/loadConfig.js';
import { openDatabase, queryRows, type Db } from '../src/db/open.js';
import { ingestPaths } from '../src/ingest/index.js';
import { createApp } from '../src/server/createApp.js';
import { createSession, SESSION_COOKIE } from '../src/server/auth/sessions.js';
import { addUser } from '../src/server/auth/users.js';
import { settleSource } from '../src/watch/settleSource.js';
import { describeMachine } from './machine.js';

const CORPUS = path.resolve(import.meta.dirname, '../test/fixtures/kleptocracy-timeline/events');
const flaggedArg = process.argv.indexOf('--flagged');
const FLAGGED = flaggedArg > 0 ? Number(process.argv[flaggedArg + 1]) : 600;
const RUNS = 15;
const DAY = 86_400_000;

const article = (figure: number) =>
  `<!doctype html><html><head><title>Report</title></head><body><article><h1>Report</h1>
<p>The investigation found transfers of ${figure} million dollars through shell companies over three years, officials said.</p>
<p>Prosecutors said the accounts were frozen after a request from the ministry, and that charges were being prepared.</p>
<p>${'The company declined to comment on the findings of the report and on the accounts named in it. '.repeat(20)}</p>
</article></body></html>`;

/** A capture stored the way the crawler stores it, then settled (states, change, flags). */
async function capture(db: Db, source: { id: number; url: string; host: string }, at: Date, html: string | null): Promise<void> {
  const raw = html ? await prepareSnapshot(new TextEncoder().encode(html), 'text/html; charset=utf-8', 'raw', source.url) : null;
  await storeCapture(db, {
    capture: {
      sourceId: source.id,
      startedAt: at,
      requestedUrl: source.url,
      finalUrl: source.url,
      httpStatus: html ? 200 : 404,
      fetcher: 'http',
      outcome: html ? 'fetched' : 'http-error',
    },
    raw,
    source,
    update: { checkedAt: at, nextCheckAt: new Date(at.getTime() + DAY), consecutiveFailures: 0 },
  });
  await settleSource(db, defaultConfig({}), source.id);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  console.log(describeMachine());
  const home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-bench-serve-'));
  const database = await openDatabase({ home });
  try {
    const { db } = database;
    const ingest = await ingestPaths(db, [CORPUS]);
    console.log(`ingested ${ingest.events.distinct} events, ${ingest.sources.distinct} sources`);
    const picked = await queryRows<{ id: number; url: string; host: string }>(
      db,
      sql`select id, url, host from sources order by priority desc, id limit ${FLAGGED}`,
    );
    const t0 = performance.now();
    for (const [i, s] of picked.entries()) {
      await capture(db, s, new Date(Date.UTC(2026, 0, 1)), article(100 + i));
      if (i % 3 === 2) {
        await capture(db, s, new Date(Date.UTC(2026, 0, 2)), null);
        await capture(db, s, new Date(Date.UTC(2026, 0, 3)), null);
      } else await capture(db, s, new Date(Date.UTC(2026, 0, 2)), article(200 + i));
    }
    const [{ open }] = await queryRows<{ open: number }>(db, sql`select count(*)::int as open from flags where status = 'open'`);
    console.log(
      `${picked.length} sources captured and changed or vanished in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${open} open flags\n`,
    );

    await addUser(db, 'bench', 'editor', 'a bench password');
    const [user] = await queryRows<{ id: number }>(db, sql`select id from users where name = 'bench'`);
    const session = await createSession(db, user.id, new Date(), DAY);
    const app = await createApp({ db, config: { ...defaultConfig({}), home } });
    const flagged = await queryRows<{ eventId: string; n: number }>(
      db,
      sql`select f.event_id as "eventId", count(*)::int as n from flags f join citations c on c.event_id = f.event_id
          where f.status = 'open' group by f.event_id order by n desc limit 10`,
    );
    const pages: [string, string[]][] = [
      ['queue', ['/']],
      ['queue, filtered', ['/?state=vanished', '/?claim=yes', '/?importance=8&state=changed', '/?from=2017-01-01&to=2019-12-31']],
      ['queue, page 5', ['/?page=5']],
      ['event (flagged, most sources)', flagged.map((f) => `/events/${encodeURIComponent(f.eventId)}`)],
      ['audit log', ['/reviews']],
      ['sign-in', ['/sign-in']],
    ];
    console.log('page                              p50 ms   p95 ms   max ms   (server time, inject, signed-in editor)');
    let worst = 0;
    for (const [label, urls] of pages) {
      const times: number[] = [];
      for (let run = 0; run < RUNS + 2; run++) {
        for (const url of urls) {
          const t = performance.now();
          const res = await app.inject({ url, headers: { cookie: `${SESSION_COOKIE}=${session.token}`, accept: 'text/html' } });
          const ms = performance.now() - t;
          if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
          if (run >= 2) times.push(ms); // the first two rounds warm the caches and the JIT
        }
      }
      times.sort((a, b) => a - b);
      worst = Math.max(worst, percentile(times, 95));
      console.log(
        `${label.padEnd(32)} ${percentile(times, 50).toFixed(1).padStart(7)}  ${percentile(times, 95).toFixed(1).padStart(7)}  ${times[times.length - 1].toFixed(1).padStart(7)}`,
      );
    }
    console.log(`\nslowest page at p95: ${worst.toFixed(1)} ms (goal: under 100 ms)`);
    await app.close();
  } finally {
    await database.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
