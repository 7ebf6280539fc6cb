import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { extractSafely, sha256 } from '../archive/store.js';
import { hosts } from '../db/schema/index.js';
import { fingerprint, toSignedBigint } from '../diff/fingerprint.js';
import { probeUrl } from './captureRecord.js';
import { fetchPage } from './fetchPage.js';
import { robotsAllows, robotsFromAnswer } from './robots.js';
import type { CrawlContext, HostInfo } from './context.js';

const DAY_MS = 86_400_000;

type HostRow = typeof hosts.$inferSelect;

/**
 * robots.txt for a host: the cached copy when younger than a day, else fetched (politely) and cached.
 * A robots.txt that cannot be reached at all (network error) means the pages are not asked either:
 * their captures say why instead of guessing (RFC 9309 treats an unreachable file as disallow-all).
 */
export async function robotsFor(ctx: CrawlContext, host: string, row: HostRow | undefined, anyUrl: string, priority: number): Promise<HostInfo['robots']> {
  const fresh = row?.robotsFetchedAt && Date.now() - row.robotsFetchedAt.getTime() < DAY_MS && row.robotsTxt !== null;
  if (fresh) return { text: row!.robotsTxt };
  const url = `${new URL(anyUrl).origin}/robots.txt`;
  const answer = await fetchPage(ctx.fetch, url, { priority });
  ctx.noteRequests(answer.requestEnds);
  if (answer.outcome === 'refused-address') return { text: '' }; // the pages themselves will be refused, and say so
  if (answer.outcome === 'network-error') {
    return { text: null, failure: { errorKind: answer.errorKind ?? 'other', message: `robots.txt could not be fetched (${answer.errorMessage}); the page was not requested` } };
  }
  const rules = robotsFromAnswer(answer);
  if (rules.text !== null) {
    await ctx.db.update(hosts).set({ robotsTxt: rules.text, robotsFetchedAt: new Date() }).where(eq(hosts.host, host));
    return rules;
  }
  // 5xx: keep using yesterday's file if there is one, else nothing is allowed for now.
  if (row?.robotsTxt != null) return { text: row.robotsTxt };
  return { text: null, failure: { errorKind: 'robots-unavailable', message: `robots.txt answered HTTP ${answer.httpStatus}; nothing may be fetched until it can be read` } };
}

/**
 * The soft-404 probe: what the host answers for a sibling path that cannot exist. Stored in
 * hosts.probe for the state classifier; a request like any other, but not a capture of a source.
 */
export async function probeHost(ctx: CrawlContext, info: HostInfo, row: HostRow | undefined, nearUrl: string, priority: number): Promise<boolean> {
  if (row?.probedAt && Date.now() - row.probedAt.getTime() < DAY_MS) return false;
  const url = probeUrl(nearUrl, randomBytes(6).toString('hex'));
  if (!robotsAllows(info.robots, url, ctx.config.userAgent)) return false;
  const answer = await fetchPage(ctx.fetch, url, { priority });
  ctx.noteRequests(answer.requestEnds);
  const extracted = answer.body && answer.body.length > 0 ? await extractSafely(answer.body, answer.headers['content-type'] ?? null, answer.finalUrl ?? url) : null;
  const text = extracted?.text ?? '';
  const at = new Date();
  const probe = {
    url,
    status: answer.httpStatus,
    outcome: answer.outcome,
    finalUrl: answer.finalUrl,
    redirects: answer.redirects,
    textHash: sha256(text),
    text: text.slice(0, 2000),
    // SimHash of the whole text, like snapshots.fingerprint; a string, as JSON has no 64-bit integers.
    fingerprint: toSignedBigint(fingerprint(text)).toString(),
    title: extracted?.title ?? null,
    wordCount: extracted?.signals.wordCount ?? 0,
    at: at.toISOString(),
  };
  await ctx.db.update(hosts).set({ probe, probedAt: at }).where(eq(hosts.host, info.host));
  return true;
}
