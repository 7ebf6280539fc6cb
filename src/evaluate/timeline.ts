import type { Article, LabelledCase, WebSpec } from '../simweb/index.js';

/** One generated timeline file: an event citing one labelled page. */
export type TimelineFile = { name: string; eventId: string; text: string };

/**
 * The labelled cases as a timeline the real ingest reads: one JSON event per case whose title and
 * description are the cited article's headline and first paragraph, as an editor would write them,
 * so claim matching sees what it sees on the real corpus. Pure.
 */
export function labelledTimeline(spec: WebSpec, cases: LabelledCase[], url: (c: LabelledCase) => string): TimelineFile[] {
  return cases.map((c, i) => {
    const article = originalArticle(spec, c);
    const eventId = `${article.published}--labelled-${String(i).padStart(4, '0')}-${c.label}`;
    const event = {
      id: eventId,
      date: article.published,
      title: article.headline,
      description: article.paragraphs[0] ?? '',
      importance: 5,
      status: 'confirmed',
      tags: ['labelled', c.label],
      sources: [{ title: article.headline, url: url(c), outlet: c.host, date: article.published }],
    };
    return { name: `${eventId}.json`, eventId, text: `${JSON.stringify(event, null, 2)}\n` };
  });
}

/** The article a case's page shows in round 0 (buildLabelledWeb makes every page an article first). */
export function originalArticle(spec: WebSpec, c: LabelledCase): Article {
  const page = spec.hosts[c.host]?.pages[c.path];
  const first = page && typeof page === 'object' && page.kind === 'rounds' ? page.rounds[0] : page;
  if (!first || typeof first !== 'object' || first.kind !== 'article') {
    throw new Error(`labelled web: ${c.host}${c.path} (${c.label}) does not start as an article`);
  }
  return first.article;
}
