/** One entry point for all article templates: the same Article rendered as each kind of site. */
import { renderPdf, wrapParagraphs } from '../pdf.js';
import type { TemplateName } from '../types.js';
import { visibleParagraphs, type RenderInput } from './chrome.js';
import { renderAppShell } from './appShell.js';
import { renderBlog } from './blog.js';
import { renderEncyclopedia } from './encyclopedia.js';
import { renderGov } from './gov.js';
import { renderNews } from './news.js';
import { renderScript } from './script.js';
import { renderWire } from './wire.js';

export type { RenderInput, Site } from './chrome.js';
export const TEMPLATES: readonly TemplateName[] = ['news', 'wire', 'gov', 'encyclopedia', 'blog', 'pdf', 'script'];

const HTML_TEMPLATES: Record<Exclude<TemplateName, 'pdf'>, (input: RenderInput) => string> = {
  news: renderNews,
  wire: renderWire,
  gov: renderGov,
  encyclopedia: renderEncyclopedia,
  blog: renderBlog,
  script: renderScript,
  app: renderAppShell,
};

/** HTML templates give a string (encoded by the caller, charset games included); PDF gives bytes. */
export function renderArticle(template: TemplateName, input: RenderInput): { contentType: string; body: string | Uint8Array } {
  if (template !== 'pdf') return { contentType: 'text/html', body: HTML_TEMPLATES[template](input) };
  const { article, skin, site } = input;
  const header = skin === 'redesign' ? [`${site.name.toUpperCase()} | REPORT`, ''] : [];
  const lines = [
    ...header,
    article.headline,
    '',
    article.byline,
    article.published,
    '',
    ...wrapParagraphs(visibleParagraphs(input), skin === 'redesign' ? 95 : 85),
  ];
  return { contentType: 'application/pdf', body: renderPdf({ title: article.headline, lines, skin }) };
}
