import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { snapshotColumns } from '../archive/snapshotColumns.js';
import { extractSafely } from '../archive/store.js';
import { hosts } from '../db/schema/index.js';
import { probeUrl } from './captureRecord.js';
import { fetchPage } from './fetchPage.js';
import { robotsAllows, robotsCrawlDelayMs, robotsFromAnswer, robotsToken } from './robots.js';
import type { CrawlContext, HostInfo } from './context.js';

const DAY_MS = 86_400_000;

type HostRow = typeof hosts.$inferSelect;

/**
 * robots.txt for a host: the cached copy when younger than a day, else fetched (politely) and cached.
 * A robots.txt that cannot be reached at all (network error) means the pages are not asked either:
 * their captures say why instead of guessing (RFC 9309 treats an unreachable file as disallow-all).
 */
async function robotsFor(
  ctx: Pick<CrawlContext, 'db' | 'fetch' | 'noteRequests'>,
  host: string,
  row: HostRow | undefined,
  anyUrl: string,
  priority: number,
  cache: (write: PromiseLike<unknown>) => void,
): Promise<HostInfo['robots']> {
  const fresh = row?.robotsFetchedAt && Date.now() - row.robotsFetchedAt.getTime() < DAY_MS && row.robotsTxt !== null;
  if (fresh) return { text: row!.robotsTxt };
  const url = `${new URL(anyUrl).origin}/robots.txt`;
  // robots.txt itself is fetched whatever other files say (and asking them could go round in circles).
  const answer = await fetchPage({ ...ctx.fetch, robotsAllow: undefined }, url, { priority });
  ctx.noteRequests(answer.requestEnds);
  if (answer.outcome === 'refused-address') return { text: '' }; // the pages themselves will be refused, and say so
  if (answer.outcome === 'network-error') {
    return {
      text: null,
      failure: {
        errorKind: answer.errorKind ?? 'other',
        message: `robots.txt could not be fetched (${answer.errorMessage}); the page was not requested`,
      },
    };
  }
  const rules = robotsFromAnswer(answer);
  if (rules.text !== null) {
    const cached = { robotsTxt: rules.text, robotsFetchedAt: new Date() };
    cache(
      ctx.db
        .insert(hosts)
        .values({ host, ...cached })
        .onConflictDoUpdate({ target: hosts.host, set: cached }),
    );
    return rules;
  }
  // 5xx: keep using yesterday's file if there is one, else nothing is allowed for now.
  if (row?.robotsTxt != null) return { text: row.robotsTxt };
  return {
    text: null,
    failure: {
      errorKind: 'robots-unavailable',
      message: `robots.txt answered HTTP ${answer.httpStatus}; nothing may be fetched until it can be read`,
    },
  };
}

/**
 * robots.txt per host for one pass: read once (from the day-old cache in hosts, or fetched) whether
 * the host is crawled in this pass or only reached through a redirect, and asked about every
 * redirect target before it is followed. A Crawl-delay longer than ours becomes the host's gap at
 * the gate as soon as the file is read, whichever way the host was reached.
 */
export function createRobotsCache(ctx: Pick<CrawlContext, 'db' | 'config' | 'fetch' | 'noteRequests'>) {
  const rules = new Map<string, Promise<HostInfo['robots']>>();
  // The day's cache is written behind: a host's pages need the rules, not their row (a first pass
  // would otherwise queue a thousand hosts behind the archive's transactions). A write that fails
  // only means the file is fetched again next pass.
  const writes = new Set<Promise<unknown>>();
  const cache = (write: PromiseLike<unknown>) => {
    const kept: Promise<unknown> = Promise.resolve(write)
      .catch(() => {})
      .finally(() => writes.delete(kept));
    writes.add(kept);
  };
  const rulesFor = (host: string, row: HostRow | undefined | null, anyUrl: string, priority: number): Promise<HostInfo['robots']> => {
    if (!rules.has(host)) {
      const loaded =
        row !== null
          ? Promise.resolve(row)
          : ctx.db
              .select()
              .from(hosts)
              .where(eq(hosts.host, host))
              .then(([r]) => r);
      rules.set(
        host,
        loaded.then(async (r) => {
          const robots = await robotsFor(ctx, host, r, anyUrl, priority, cache);
          const crawlDelayMs = robotsCrawlDelayMs(robots, ctx.config.userAgent, ctx.config.maxCrawlDelayMs);
          if (crawlDelayMs !== null) ctx.fetch.gate.setHostDelay(host, crawlDelayMs);
          return robots;
        }),
      );
    }
    return rules.get(host)!;
  };
  return {
    /** The rules of a host, given its row when the caller has it (null: look it up). */
    rulesFor,
    /** Waits for the cache writes under way. */
    settled: () => Promise.all(writes).then(() => {}),
    async allowRedirect(url: URL): Promise<true | string> {
      const robots = await rulesFor(url.host, null, url.href, 0);
      if (robots.failure) return `redirected to ${url.host}, whose robots.txt could not be read: ${robots.failure.message}`;
      if (robotsAllows(robots, url.href, ctx.config.userAgent)) return true;
      return `redirected to ${url.href}, which the robots.txt of ${url.host} disallows for ${robotsToken(ctx.config.userAgent)}`;
    },
  };
}

export type RobotsCache = ReturnType<typeof createRobotsCache>;

/**
 * The soft-404 probe: what the host answers for a sibling path that cannot exist. Stored in
 * hosts.probe for the state classifier; a request like any other, but not a capture of a source.
 */
export async function probeHost(
  ctx: CrawlContext,
  info: HostInfo,
  row: HostRow | undefined,
  nearUrl: string,
  priority: number,
): Promise<boolean> {
  if (row?.probedAt && Date.now() - row.probedAt.getTime() < DAY_MS) return false;
  const url = probeUrl(nearUrl, randomBytes(6).toString('hex'));
  if (!robotsAllows(info.robots, url, ctx.config.userAgent)) return false;
  const answer = await fetchPage(ctx.fetch, url, { priority });
  ctx.noteRequests(answer.requestEnds);
  const extracted =
    answer.body && answer.body.length > 0
      ? await extractSafely({ body: answer.body, contentType: answer.headers['content-type'] ?? null, url: answer.finalUrl ?? url })
      : null;
  const text = extracted?.text ?? '';
  // A probe with no body is compared as empty text, not as nothing.
  const columns = snapshotColumns(extracted ?? { title: '', text: '', signals: null });
  const at = new Date();
  const probe = {
    url,
    status: answer.httpStatus,
    outcome: answer.outcome,
    finalUrl: answer.finalUrl,
    redirects: answer.redirects,
    textHash: columns.textHash,
    text: text.slice(0, 2000),
    // SimHash of the whole text, like snapshots.fingerprint; a string, as JSON has no 64-bit integers.
    fingerprint: String(columns.fingerprint),
    title: extracted?.title ?? null,
    wordCount: extracted?.signals.wordCount ?? 0,
    at: at.toISOString(),
  };
  await ctx.db.update(hosts).set({ probe, probedAt: at }).where(eq(hosts.host, info.host));
  return true;
}
