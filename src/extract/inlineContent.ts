/**
 * The article a client-rendered page carries as data in its own HTML: Next.js's `__NEXT_DATA__`
 * state, or a schema.org Article's `articleBody` in JSON-LD. Such a page shows an empty shell to an
 * HTML reader, yet holds its whole text; reading the JSON spares a browser render (a second of CPU).
 * Pure and linear: script bodies are found with indexOf, JSON.parse does the rest, the object walk
 * is bounded. Only plain text counts (a string with markup is a template, not the article), and only
 * an article of MIN_WORDS words or more: anything less may be a teaser or a feed item, and is left
 * to the browser.
 */
export type InlineArticle = {
  source: 'next-data' | 'json-ld';
  title: string;
  byline: string | null;
  published: string | null;
  paragraphs: string[];
};

const MIN_WORDS = 50;
const MAX_JSON_CHARS = 4 * 1024 * 1024;
const MAX_NODES = 20_000;
const ARTICLE_TYPES =
  /^(Article|NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|BlogPosting|Report|ScholarlyArticle|TechArticle|WebPage)$/;

const words = (paragraphs: string[]) => paragraphs.reduce((n, p) => n + (p.match(/\S+/g)?.length ?? 0), 0);
const plain = (s: unknown): s is string => typeof s === 'string' && !/<[a-z/!][^>]*>/i.test(s);
const str = (s: unknown): string | null => (typeof s === 'string' && s.trim() ? s.trim() : null);
const split = (body: string) =>
  body
    .split(/\n\s*\n|\r?\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);

/** Bodies of <script> elements whose opening tag matches `open`, in document order. */
function scriptBodies(html: string, open: RegExp): string[] {
  const out: string[] = [];
  const lower = html.toLowerCase();
  for (let at = lower.indexOf('<script'); at >= 0; at = lower.indexOf('<script', at + 7)) {
    const tagEnd = lower.indexOf('>', at);
    if (tagEnd < 0) break;
    const end = lower.indexOf('</script', tagEnd);
    if (end < 0) break;
    if (open.test(html.slice(at, tagEnd + 1)) && end - tagEnd <= MAX_JSON_CHARS) out.push(html.slice(tagEnd + 1, end));
    at = end;
  }
  return out;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Objects in a JSON value, breadth first (an article sits near the top of page state), at most MAX_NODES. */
function* objects(root: unknown): Generator<Record<string, unknown>> {
  const queue: unknown[] = [root];
  for (let i = 0; i < queue.length && i < MAX_NODES; i++) {
    const v = queue[i];
    if (v && typeof v === 'object' && !Array.isArray(v)) yield v as Record<string, unknown>;
    if (v && typeof v === 'object') for (const child of Object.values(v)) if (queue.length < MAX_NODES) queue.push(child);
  }
}

const authorName = (a: unknown): string | null =>
  str(a) ?? (Array.isArray(a) ? authorName(a[0]) : a && typeof a === 'object' ? str((a as { name?: unknown }).name) : null);

function fromNextData(html: string): InlineArticle | null {
  const [body] = scriptBodies(html, /id=["']?__NEXT_DATA__["'\s>]/i);
  if (body === undefined) return null;
  for (const o of objects(parse(body))) {
    const title = str(o.headline) ?? str(o.title);
    const list = o.paragraphs ?? o.body ?? o.articleBody ?? o.content;
    const paragraphs =
      Array.isArray(list) && list.every(plain)
        ? list.map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean)
        : plain(list)
          ? split(list)
          : null;
    if (title && paragraphs && words(paragraphs) >= MIN_WORDS) {
      return {
        source: 'next-data',
        title,
        byline: authorName(o.byline ?? o.author),
        published: str(o.published ?? o.datePublished ?? o.publishedAt),
        paragraphs,
      };
    }
  }
  return null;
}

function fromJsonLd(html: string): InlineArticle | null {
  for (const body of scriptBodies(html, /type=["']?application\/ld\+json/i)) {
    for (const o of objects(parse(body))) {
      const types = ([] as unknown[]).concat(o['@type']);
      if (!types.some((t) => typeof t === 'string' && ARTICLE_TYPES.test(t)) || !plain(o.articleBody)) continue;
      const paragraphs = split(o.articleBody);
      const title = str(o.headline) ?? str(o.name);
      if (title && words(paragraphs) >= MIN_WORDS)
        return { source: 'json-ld', title, byline: authorName(o.author), published: str(o.datePublished), paragraphs };
    }
  }
  return null;
}

/** The article inline JSON carries, or null when there is none this module can vouch for. */
export function inlineContent(html: string): InlineArticle | null {
  return fromNextData(html) ?? fromJsonLd(html);
}
