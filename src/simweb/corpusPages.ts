/**
 * The pure half of simulateCorpus: real cited URLs → simulated hosts, pages built from what the
 * timeline says about each URL, a round-1 fate per page, and the text-level URL rewrite.
 */
import { removeParagraph } from './articleGen.js';
import { rngFor, type Rng } from './prng.js';
import { siteNameFor } from './templates/chrome.js';
import type { Article, Behaviour, HostSpec, PageSpec, Skin, TemplateName, WebSpec } from './types.js';

/** A URL and everything the timeline says about it: every citation of it and every citing event. */
export type CitedUrl = {
  url: string;
  citations: { title: string | null; outlet: string | null; date: string | null }[];
  events: { title: string; description: string; date: string | null }[];
};
export type CorpusFate = 'unchanged' | 'redesign' | 'material' | 'gone-404' | 'soft-404' | 'redirect-root' | 'parked' | 'transient-503';

const URL_PATTERN = /https?:\/\/[^\s"'<>[\]{}|\\^`]+/gi;

/** Every http(s) URL in a text, trimmed of trailing punctuation unless a known spelling says otherwise. */
export function findUrls(text: string, known: ReadonlySet<string>): { start: number; url: string }[] {
  const out: { start: number; url: string }[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    let url = m[0];
    // A known spelling may end in punctuation ("Inc.", "(2010)"); prose around a URL may too.
    let trimmed = url;
    while (!known.has(trimmed) && /[.,;:!?)*_]$/.test(trimmed) && url.length - trimmed.length < 4) trimmed = trimmed.slice(0, -1);
    if (known.has(trimmed)) url = trimmed;
    else {
      const opens = (s: string): number => (s.match(/\(/g) ?? []).length - (s.match(/\)/g) ?? []).length;
      while (/[.,;:!?)]$/.test(url) && (!url.endsWith(')') || opens(url) < 0)) url = url.slice(0, -1);
    }
    out.push({ start: m.index ?? 0, url });
  }
  return out;
}

export function rewriteUrls(text: string, known: ReadonlySet<string>, map: (url: string) => string | undefined): string {
  let out = '';
  let at = 0;
  for (const { start, url } of findUrls(text, known)) {
    const to = map(url);
    if (to === undefined) continue;
    out += text.slice(at, start) + to;
    at = start + url.length;
  }
  return out + text.slice(at);
}

/** Swaps scheme and authority for the simulated address, keeping path, query and fragment as spelled. */
export function simulatedUrl(raw: string, address: string, port: number): string {
  return raw.replace(/^https?:\/\/[^/?#]+/i, `http://${address}:${port}`);
}

/**
 * Which of a host's pages a script builds: on the real web, script-rendered pages cluster by site
 * (an app-style outlet is one wholly, a news site has a few interactive features), and the biggest
 * outlets serve HTML. Hosts of up to 60 pages: 13 % wholly script-rendered, 15 % with a quarter of
 * their pages so; half of either kind carry the article as inline JSON ('app'), half only as an
 * opaque script payload ('script'). About 8.5 % of the corpus's pages, on about 15 % of its hosts.
 */
export type ScriptPlan = { share: number; template: 'script' | 'app'; skin: Skin } | null;

export function scriptPlanFor(rng: Rng, hostPages: number): ScriptPlan {
  if (hostPages > 60) return null;
  const r = rng.next();
  const template = rng.next() < 0.5 ? 'app' : 'script';
  const skin: Skin = rng.next() < 0.5 ? 'classic' : 'redesign';
  if (r < 0.13) return { share: 1, template, skin };
  if (r < 0.28) return { share: 0.25, template, skin };
  return null;
}

function templateFor(host: string, url: string, plan: ScriptPlan, rng: Rng): TemplateName {
  if (/\.pdf($|[?#])/i.test(url)) return 'pdf';
  if (plan && rng.next() < plan.share) return plan.template;
  if (/\.gov(\.\w\w)?$|\.mil$|europa\.eu$|\.gc\.ca$/.test(host)) return 'gov';
  if (/wikipedia\.org$|britannica\.com$|sourcewatch\.org$|ballotpedia\.org$|law\.cornell\.edu$/.test(host)) return 'encyclopedia';
  if (/reuters\.com$|apnews\.com$|afp\.com$|upi\.com$/.test(host)) return 'wire';
  if (/substack\.com$|medium\.com$|wordpress\.com$|blogspot\.com$|blog/.test(host)) return 'blog';
  return 'news';
}

function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[A-Z“"])/)
    .filter((s) => s.length > 0);
}

/** An article whose text repeats the citations' titles and the citing events, so claims overlap it. */
export function articleFor(cited: CitedUrl, rng: Rng): Article {
  const site = siteNameFor(new URL(cited.url).hostname);
  const first = cited.citations.find((c) => c.title) ?? cited.citations[0] ?? { title: null, outlet: null, date: null };
  const outlet = first.outlet ?? site;
  const titles = [...new Set(cited.citations.flatMap((c) => (c.title ? [c.title] : [])))];
  const paragraphs: string[] = [];
  if (titles.length > 0) paragraphs.push(`${titles.join('. ')}, as reported by ${outlet}.`);
  // Every citing event's title, and the descriptions of the first few (a page cited 40 times stays readable).
  cited.events.forEach((event, i) => {
    paragraphs.push(`${event.title}.`);
    const said = i < 4 ? sentences(event.description) : [];
    for (let j = 0; j < said.length; j += 2) paragraphs.push(said.slice(j, j + 2).join(' '));
  });
  const eventDate = cited.events.find((e) => e.date)?.date ?? null;
  const when = first.date ?? eventDate ?? 'the time';
  paragraphs.push(
    `The account, first published on ${when}, drew on documents and interviews with ${rng.int(3, 14)} people familiar with the matter, some of whom spoke on condition of anonymity.`,
  );
  paragraphs.push(`${outlet} has asked the parties named for comment and will update this report with any response.`);
  const published = /^\d{4}-\d{2}-\d{2}/.test(String(first.date ?? ''))
    ? String(first.date).slice(0, 10)
    : String(eventDate ?? '2024-01-01').slice(0, 10);
  return { headline: first.title ?? cited.events[0]?.title ?? site, byline: outlet, published, paragraphs, section: 'news' };
}

/** A material edit: the first figure changes if there is one, else the claim's own paragraph goes. */
function materialEdit(a: Article, rng: Rng): Article {
  const at = a.paragraphs.findIndex((p) => /\d/.test(p));
  if (at >= 0) {
    const paragraphs = [...a.paragraphs];
    paragraphs[at] = paragraphs[at].replace(/\d[\d,.]*/, (n) =>
      String(Number(n.replace(/\D/g, '').slice(0, 6) || '1') * 2 + rng.int(1, 9)),
    );
    return { ...a, paragraphs };
  }
  return a.paragraphs.length > 2 ? removeParagraph(a, rng) : { ...a, paragraphs: a.paragraphs.slice(1) };
}

export function pickFate(rng: Rng, hostPages: number): CorpusFate {
  const r = rng.next();
  if (r < 0.08) return 'material';
  if (r < 0.11) return 'gone-404';
  if (r < 0.13) return 'soft-404';
  if (r < 0.15) return 'redirect-root';
  if (r < 0.18) return 'transient-503';
  if (r < 0.2 && hostPages === 1) return 'parked';
  if (r < 0.3) return 'redesign';
  return 'unchanged';
}

export function pageFor(cited: CitedUrl, fate: CorpusFate, seed: number, plan: ScriptPlan = null): PageSpec {
  const rng = rngFor(seed, 'corpus-page', cited.url);
  const host = new URL(cited.url).hostname;
  const template = templateFor(host, cited.url, plan, rngFor(seed, 'script-page', cited.url));
  const article = articleFor(cited, rng);
  const skin: Skin = template === plan?.template ? plan.skin : 'classic';
  const before: Behaviour = { kind: 'article', template, article, skin };
  const after: Record<CorpusFate, PageSpec> = {
    unchanged: before,
    parked: before, // the host parks
    redesign: { ...before, skin: skin === 'classic' ? 'redesign' : 'classic' },
    material: { ...before, article: materialEdit(article, rng) },
    'gone-404': { kind: 'status', status: 404 },
    'soft-404': { kind: 'soft404' },
    'redirect-root': { kind: 'redirect', status: 301, location: '/' },
    'transient-503': { kind: 'sequence', steps: [{ kind: 'status', status: 503, retryAfter: 1 }, before] },
  };
  return { kind: 'rounds', rounds: [before, after[fate]] };
}

/** Registers a page under the request path clients send, and its bare path when that is free. */
export function addPage(spec: WebSpec, host: string, url: string, page: PageSpec, extra: Partial<HostSpec>): void {
  const h = (spec.hosts[host] ??= { pages: {} });
  Object.assign(h, extra);
  const u = new URL(url);
  for (const key of [u.pathname + u.search, u.pathname]) if (!Object.hasOwn(h.pages, key)) h.pages[key] = page;
}
