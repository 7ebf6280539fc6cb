/**
 * The simulated web of bench:revisits: pages that change, vanish or fail at known simulated times,
 * each a function of the bench's clock, and the timeline citing them. Seeded; no Math.random.
 */
import { editNumber, generateArticle, plain } from '../src/simweb/articleGen.js';
import { rngFor } from '../src/simweb/prng.js';
import type { Behaviour, TemplateName, WebSpec } from '../src/simweb/types.js';

export type Fate = 'stable' | 'changes' | 'vanishes' | 'flaky';
export type Page = {
  host: string;
  path: string;
  fate: Fate;
  importance: number;
  title: string;
  published: string;
  description: string;
  eventAtMs: number | null;
};

const TEMPLATES: TemplateName[] = ['news', 'wire', 'gov', 'blog', 'encyclopedia'];
const HOUR_MS = 3_600_000;

/**
 * `pages` pages over `pages / perHost` hosts. Fates: 65 % stable, 15 % change materially once, 10 %
 * vanish (404) once, 10 % answer 503 for 6 hours once and recover. Event times fall uniformly within
 * the run after its first day; importance 1–10, a fifth of the sources 9 or 10 (as in the real corpus).
 */
export function buildRevisitWeb(options: {
  pages: number;
  perHost: number;
  seed: number;
  startMs: number;
  spanMs: number;
  now: () => number;
}) {
  const { seed, startMs, spanMs, now } = options;
  const hosts: WebSpec['hosts'] = {};
  const pages: Page[] = [];
  for (let i = 0; i < options.pages; i++) {
    const rng = rngFor(seed, 'revisit-page', i);
    const host = `site-${Math.floor(i / options.perHost)}.sim`;
    const path = `/2026/story-${i}`;
    const roll = rng.next();
    const fate: Fate = roll < 0.65 ? 'stable' : roll < 0.8 ? 'changes' : roll < 0.9 ? 'vanishes' : 'flaky';
    const eventAtMs = fate === 'stable' ? null : startMs + 24 * HOUR_MS + Math.floor(rng.next() * (spanMs - 24 * HOUR_MS));
    const importance = rng.chance(0.2) ? rng.int(9, 10) : rng.int(1, 8);
    const article = generateArticle(rng);
    const template = TEMPLATES[i % TEMPLATES.length];
    const before: Behaviour = { kind: 'article', template, article: plain(article) };
    const after: Behaviour =
      fate === 'changes'
        ? { kind: 'article', template, article: editNumber(article, rngFor(seed, 'revisit-edit', i)) }
        : fate === 'vanishes'
          ? { kind: 'status', status: 404 }
          : { kind: 'status', status: 503 };
    const flakyEnd = eventAtMs === null ? 0 : eventAtMs + 6 * HOUR_MS;
    hosts[host] ??= { pages: {}, template };
    hosts[host].pages[path] = () => {
      if (eventAtMs === null || now() < eventAtMs) return before;
      return fate === 'flaky' && now() >= flakyEnd ? before : after;
    };
    pages.push({
      host,
      path,
      fate,
      importance,
      title: article.headline,
      published: article.published,
      description: article.paragraphs[0],
      eventAtMs,
    });
  }
  return { spec: { hosts, seed } satisfies WebSpec, pages };
}

/** One JSON event per page, citing it, for the real ingest. */
export function revisitTimeline(pages: Page[], url: (p: Page) => string): { name: string; text: string }[] {
  return pages.map((p, i) => {
    const id = `${p.published}--revisit-${String(i).padStart(4, '0')}`;
    const event = {
      id,
      date: p.published,
      title: p.title,
      description: p.description,
      importance: p.importance,
      status: 'confirmed',
      tags: ['revisit-bench', p.fate],
      sources: [{ title: p.title, url: url(p), date: p.published }],
    };
    return { name: `${id}.json`, text: `${JSON.stringify(event, null, 2)}\n` };
  });
}
