import type { PageLayout } from '../extract/types.js';

/**
 * Whether a redirect took a cited article somewhere that is not the article: the site's root, a section
 * front, or another site. Moves that keep the article (http→https, www, trailing slash, a new slug on the
 * same site) are not vanishing.
 */
export type VanishRedirect = 'redirect-to-root' | 'redirect-to-section' | 'redirect-to-unrelated';

const INDEX_PAGE = /^(index|default|home)(\.\w+)?$/i;

/**
 * `landing` is what the page redirected to says it is by its content (extract's layout): a listing is a
 * section front whatever its URL, an article is no section front whatever its URL; unknown, the URL's
 * shape decides alone.
 */
export function redirectKind(
  requestedUrl: string,
  finalUrl: string | null | undefined,
  landing?: PageLayout | null,
): VanishRedirect | null {
  if (!finalUrl) return null;
  const from = parse(requestedUrl);
  const to = parse(finalUrl);
  if (!from || !to) return null;
  const fromSegments = segments(from);
  const toSegments = segments(to);
  if (sameSite(from.hostname, to.hostname) && fromSegments.join('/') === toSegments.join('/')) return null;
  if (fromSegments.length === 0) return null; // a home page cited as such stays a home page
  if (toSegments.length === 0) return 'redirect-to-root';
  const slug = fromSegments[fromSegments.length - 1];
  const keepsSlug = toSegments.some((s) => s === slug || (s.length >= 12 && slug.includes(s)) || (slug.length >= 12 && s.includes(slug)));
  if (!sameSite(from.hostname, to.hostname)) return keepsSlug ? null : 'redirect-to-unrelated';
  if (keepsSlug || landing === 'article') return null;
  // A listing by its content: the cited page was an article (not itself a section front, moved).
  if (landing === 'listing' && (fromSegments.length >= 2 || !looksLikeListing(fromSegments))) return 'redirect-to-section';
  if (fromSegments.length >= 2 && looksLikeListing(toSegments) && !sibling(fromSegments, toSegments)) return 'redirect-to-section';
  return null;
}

/** Path depth of a URL, not counting index pages and trailing slashes. */
export function pathDepth(url: string): number {
  const u = parse(url);
  return u ? segments(u).length : 0;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function segments(url: URL): string[] {
  const parts = url.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => safeDecode(s).toLowerCase());
  if (parts.length > 0 && INDEX_PAGE.test(parts[parts.length - 1])) parts.pop();
  return parts;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A section front or listing: a short path of words, not an article slug, id or date, whatever its shape
 * (/politics/, /news/, /section/politics/, /topics/elections, /category/world/europe). Not a prefix test:
 * sites send retired articles to listings anywhere in their tree.
 */
function looksLikeListing(path: string[]): boolean {
  return path.length <= 3 && path.every(looksLikeSection);
}

/** Another page of the same folder (/wiki/Old_Title → /wiki/New_Title): a renamed or merged article, not a listing. */
function sibling(from: string[], to: string[]): boolean {
  return from.length === to.length && from.slice(0, -1).join('/') === to.slice(0, -1).join('/');
}

/** "news", "world-news", "politics": short words, not an article slug or id. */
function looksLikeSection(segment: string): boolean {
  return segment.length <= 24 && segment.split('-').length <= 3 && !/\d{3,}/.test(segment) && !/\.\w{2,5}$/.test(segment);
}

/**
 * Same site when the hosts share their last two labels (three when the second-level one is short, as in
 * co.uk): an approximation of the registrable domain without the public-suffix list. IPs must match.
 */
export function sameSite(a: string, b: string): boolean {
  return siteOf(a) === siteOf(b);
}

function siteOf(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(h) || h.includes(':') || h.startsWith('[')) return h;
  const labels = h.split('.');
  if (labels.length <= 2) return h;
  const take = labels[labels.length - 2].length <= 3 && labels[labels.length - 1].length === 2 ? 3 : 2;
  return labels.slice(-take).join('.');
}
