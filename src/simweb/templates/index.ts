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

/** HTML templates give a string (encoded by the caller, charset games included); PDF gives bytes. */
export function renderArticle(template: TemplateName, input: RenderInput): { contentType: string; body: string | Uint8Array } {
  switch (template) {
    case 'news':
      return { contentType: 'text/html', body: renderNews(input) };
    case 'wire':
      return { contentType: 'text/html', body: renderWire(input) };
    case 'gov':
      return { contentType: 'text/html', body: renderGov(input) };
    case 'encyclopedia':
      return { contentType: 'text/html', body: renderEncyclopedia(input) };
    case 'blog':
      return { contentType: 'text/html', body: renderBlog(input) };
    case 'script':
      return { contentType: 'text/html', body: renderScript(input) };
    case 'app':
      return { contentType: 'text/html', body: renderAppShell(input) };
    case 'pdf': {
      const { article, skin, site } = input;
      const header = skin === 'redesign' ? [`${site.name.toUpperCase()} | REPORT`, ''] : [];
      const lines = [
        ...header,
        article.headline,
        '',
        `${article.byline}`,
        article.published,
        '',
        ...wrapParagraphs(visibleParagraphs(input), skin === 'redesign' ? 95 : 85),
      ];
      return { contentType: 'application/pdf', body: renderPdf({ title: article.headline, lines, skin }) };
    }
  }
}
