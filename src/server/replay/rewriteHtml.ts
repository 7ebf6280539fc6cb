import { parseHTML } from 'linkedom';

/**
 * Rewrites an archived HTML page for replay, the way pywb does: every link and subresource points
 * into the archive or is dropped, so viewing the page never reaches the live web; scripts, <base>,
 * meta refreshes, plugins and event handlers are removed (the content policy forbids them anyway:
 * this is the second wall). Pure: which URLs the archive holds is handed in as `target`.
 */

/** 'page' for where a click goes (a replay page), 'resource' for what the page loads (archived bytes). */
export type UrlUse = 'page' | 'resource';
/** Where an absolute http(s) URL is replayed from, or null when the archive does not hold it. */
export type ReplayTarget = (absoluteUrl: string, use: UrlUse) => string | null;

const RESOURCE_ATTRIBUTES: [string, string][] = [
  ['img, input, video, audio, source, track, iframe, frame, embed', 'src'],
  ['video', 'poster'],
  ['link', 'href'],
  ['image, use, feImage', 'href'],
  ['image, use, feImage', 'xlink:href'],
  ['body, table, td, th', 'background'],
];
const SRCSET = 'img, source';
const LINK_ELEMENTS = 'a, area';
const REMOVED_ELEMENTS = 'script, base, object, embed, applet, portal, meta[http-equiv]';
const DROPPED_ATTRIBUTES = /^(on|formaction$|action$|ping$|integrity$|nonce$|srcdoc$)/i;
const CSS_URL = /url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]*)\3/gi;

/** The absolute http(s) URL a reference names (no fragment), or null for anything else. */
function absolute(reference: string, base: string): string | null {
  try {
    const url = new URL(reference.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

type Visit = (absoluteUrl: string, use: UrlUse) => string | null;

function rewriteCss(css: string, base: string, visit: Visit): string {
  return css.replace(CSS_URL, (_m, _q1, urlRef: string | undefined, _q3, importRef: string | undefined) => {
    const reference = urlRef ?? importRef ?? '';
    if (urlRef !== undefined && reference.trim().startsWith('data:')) return `url("${reference}")`;
    const abs = absolute(reference, base);
    const to = abs ? visit(abs, 'resource') : null;
    if (urlRef !== undefined) return to ? `url("${to}")` : 'url("")';
    return to ? `@import "${to}"` : '';
  });
}

/** Walks every URL of the page, replacing each with what `visit` says (null: dropped). */
function walk(html: string, pageUrl: string, visit: Visit): Document {
  // Without <html>, linkedom makes the first element the root: such a page is parsed inside one.
  const parsed = parseHTML(html).document as unknown as Document;
  const doc =
    parsed.documentElement?.localName === 'html'
      ? parsed
      : (parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`).document as unknown as Document);
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  const base = (baseHref && absolute(baseHref, pageUrl)) || pageUrl;
  for (const el of [...doc.querySelectorAll(REMOVED_ELEMENTS)]) {
    if (el.localName !== 'meta' || /refresh|set-cookie/i.test(el.getAttribute('http-equiv') ?? '')) el.remove();
  }
  for (const el of [...doc.querySelectorAll('*')]) {
    for (const name of el.getAttributeNames()) if (DROPPED_ATTRIBUTES.test(name)) el.removeAttribute(name);
    const style = el.getAttribute('style');
    if (style) el.setAttribute('style', rewriteCss(style, base, visit));
  }
  for (const el of [...doc.querySelectorAll('style')]) el.textContent = rewriteCss(el.textContent ?? '', base, visit);
  for (const el of [...doc.querySelectorAll(LINK_ELEMENTS)]) {
    const href = el.getAttribute('href');
    if (href === null || href.trim().startsWith('#')) continue;
    const abs = absolute(href, base);
    const to = abs ? visit(abs, 'page') : null;
    if (to) {
      el.setAttribute('href', to);
      el.setAttribute('target', '_top');
      el.setAttribute('rel', 'noopener noreferrer');
    } else el.removeAttribute('href');
  }
  for (const [selector, attribute] of RESOURCE_ATTRIBUTES) {
    for (const el of [...doc.querySelectorAll(selector)]) {
      const value = el.getAttribute(attribute);
      if (value === null) continue;
      if (value.trim().startsWith('data:') && el.localName !== 'iframe' && el.localName !== 'frame') continue;
      const abs = absolute(value, base);
      const to = abs ? visit(abs, 'resource') : null;
      if (to) el.setAttribute(attribute, to);
      else el.removeAttribute(attribute);
    }
  }
  for (const el of [...doc.querySelectorAll(SRCSET)]) {
    const srcset = el.getAttribute('srcset');
    if (srcset === null) continue;
    const kept = srcset
      .split(/,\s+/)
      .map((candidate) => {
        const [reference, ...descriptor] = candidate.trim().split(/\s+/);
        const abs = absolute(reference, base);
        const to = abs ? visit(abs, 'resource') : null;
        return to ? [to, ...descriptor].join(' ') : null;
      })
      .filter((c) => c !== null);
    if (kept.length > 0) el.setAttribute('srcset', kept.join(', '));
    else el.removeAttribute('srcset');
  }
  return doc;
}

/** Every absolute http(s) URL the page links to or loads, for looking up which ones the archive holds. */
export function collectUrls(html: string, pageUrl: string): string[] {
  const found = new Set<string>();
  walk(html, pageUrl, (url) => {
    found.add(url);
    return null;
  });
  return [...found];
}

/** The page with every URL pointed at the archive (`target`) or dropped, ready to serve sandboxed. */
export function rewriteHtml(html: string, pageUrl: string, target: ReplayTarget): string {
  const doc = walk(html, pageUrl, target);
  const doctype = /^\s*<!doctype/i.test(html) ? '<!doctype html>\n' : '';
  return doctype + (doc.documentElement?.outerHTML ?? '');
}
