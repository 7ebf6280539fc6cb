import type { Outcome } from '../../src/db/schema/domain.js';
import { prepareSnapshot } from '../../src/archive/store.js';
import { storeCapture, type CaptureInput } from '../../src/archive/storeCaptures.js';
import type { Db } from '../../src/db/open.js';
import { citations, events, hosts, sources } from '../../src/db/schema/index.js';

/** Builds events, sources and capture histories directly in a database, without any network. */

export async function seedEvent(db: Db, e: { id: string; title: string; description?: string; importance?: number }): Promise<void> {
  await db.insert(events).values({
    id: e.id,
    title: e.title,
    description: e.description ?? '',
    importance: e.importance ?? 5,
    sourcePath: `events/${e.id}.yaml`,
    contentHash: e.id,
  });
}

export type SeededSource = { id: number; url: string; host: string };

export async function seedSource(db: Db, url: string, eventIds: string[]): Promise<SeededSource> {
  const host = new URL(url).host;
  const [row] = await db.insert(sources).values({ url, host }).returning({ id: sources.id });
  for (const [position, eventId] of eventIds.entries()) {
    await db.insert(citations).values({ eventId, sourceId: row.id, originalUrl: url, position });
  }
  return { id: row.id, url, host };
}

export async function setProbe(db: Db, host: string, probe: Record<string, unknown>): Promise<void> {
  await db.insert(hosts).values({ host, probe }).onConflictDoUpdate({ target: hosts.host, set: { probe } });
}

export function articleHtml(title: string, paragraphs: string[], extra = ''): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><nav><a href="/">Home</a></nav>
<article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article>${extra}<footer>Example News</footer></body></html>`;
}

export type CaptureSpec = {
  at: Date;
  /** A page body: the capture was fetched with this HTML (status 200 unless given). */
  html?: string;
  status?: number;
  outcome?: Outcome;
  errorKind?: string;
  finalUrl?: string;
};

/** Stores one capture the way the crawler does (snapshot once per hash, capture row, schedule). */
export async function addCapture(db: Db, source: SeededSource, spec: CaptureSpec): Promise<number> {
  const row = await storeCapture(db, await captureInput(source, spec));
  return row.id;
}

/** What the crawler hands the archive for one capture of `source`. */
export async function captureInput(source: SeededSource, spec: CaptureSpec): Promise<CaptureInput> {
  const outcome = spec.outcome ?? (spec.html !== undefined ? ((spec.status ?? 200) < 400 ? 'fetched' : 'http-error') : 'http-error');
  const finalUrl = spec.finalUrl ?? source.url;
  const raw =
    spec.html !== undefined
      ? await prepareSnapshot(new TextEncoder().encode(spec.html), 'text/html; charset=utf-8', 'raw', finalUrl)
      : null;
  return {
    capture: {
      sourceId: source.id,
      startedAt: spec.at,
      requestedUrl: source.url,
      finalUrl: outcome === 'network-error' ? null : finalUrl,
      redirects: finalUrl !== source.url ? [{ url: finalUrl, status: spec.status ?? 200 }] : [],
      httpStatus: outcome === 'network-error' ? null : (spec.status ?? 200),
      fetcher: 'http',
      outcome,
      errorKind: spec.errorKind ?? null,
    },
    raw,
    source,
    update: { checkedAt: spec.at, nextCheckAt: new Date(spec.at.getTime() + 86_400_000), consecutiveFailures: 0 },
  };
}
