/**
 * The one way pages are written: a tagged template that escapes every interpolated value. Titles,
 * URLs, notes and page text come from timelines and pages anyone controls; only markup built by this
 * tag (or passed through `trusted`, for text the app itself produced) goes out unescaped.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Markup the app wrote itself, marked safe on purpose. Never for data. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/**
 * A URL from data, fit for an href: http(s) only, so a `javascript:` archive URL in a timeline file
 * is shown as text and never becomes a link. Null when it is not one.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A link to an outside page when the URL is one, otherwise the URL as text. */
export function externalLink(url: string | null | undefined, label?: string): Html {
  const href = safeHref(url);
  if (!href) return html`<span class="url">${label ?? url ?? ''}</span>`;
  return html`<a class="url" href="${href}" rel="noopener noreferrer nofollow">${label ?? url}</a>`;
}
