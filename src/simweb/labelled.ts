/**
 * The labelled web for the detection benchmark: sources across every template, round 0 the
 * originals, round 1 the labelled second versions, each with the state a correct pipeline reaches
 * after crawling round 0, switching to round 1 and crawling twice.
 */
import { appendCorrection, editName, editNumber, generateArticle, newHeadline, plain, removeParagraph } from './articleGen.js';
import { rngFor } from './prng.js';
import { boundWeb } from './server.js';
import { slug } from './templates/chrome.js';
import { TEMPLATES } from './templates/index.js';
import type { Article, Behaviour, HostSpec, PageSpec, TemplateName, WebSpec } from './types.js';

export const LABELS = [
  'unchanged',
  'redesign',
  'edit-number',
  'edit-name',
  'paragraph-removed',
  'correction-appended',
  'new-headline',
  'story-replaced',
  'gone-404',
  'gone-410',
  'soft-404',
  'redirect-root',
  'redirect-section',
  'parked-domain',
  'transient-503',
  'transient-429',
  'transient-hang',
  'transient-reset',
  'blocked-403',
  'bot-challenge',
  'paywall',
  'render-fails',
] as const;
export type Label = (typeof LABELS)[number];
export type ExpectedState = { state: 'ok' | 'changed' | 'vanished' | 'unreachable' | 'blocked'; reason?: string };

/** Reasons use the states stage's words (src/states) and the change kinds of src/diff. */
export const EXPECTED: Record<Label, ExpectedState> = {
  unchanged: { state: 'ok' },
  redesign: { state: 'ok' },
  'edit-number': { state: 'changed', reason: 'number' },
  'edit-name': { state: 'changed', reason: 'name' },
  'paragraph-removed': { state: 'changed', reason: 'paragraph-removed' },
  'correction-appended': { state: 'changed', reason: 'correction' },
  'new-headline': { state: 'changed', reason: 'headline' },
  'story-replaced': { state: 'changed', reason: 'story-replaced' },
  'gone-404': { state: 'vanished', reason: 'http-404' },
  'gone-410': { state: 'vanished', reason: 'http-410' },
  'soft-404': { state: 'vanished', reason: 'soft-404' },
  'redirect-root': { state: 'vanished', reason: 'redirect-to-root' },
  'redirect-section': { state: 'vanished', reason: 'redirect-to-section' },
  'parked-domain': { state: 'vanished', reason: 'parked-domain' },
  'transient-503': { state: 'ok' },
  'transient-429': { state: 'ok' },
  'transient-hang': { state: 'ok' },
  'transient-reset': { state: 'ok' },
  'blocked-403': { state: 'blocked', reason: 'http-403' },
  'bot-challenge': { state: 'blocked', reason: 'bot-challenge' },
  paywall: { state: 'blocked', reason: 'paywall' },
  // The browser's failure is citewatch's, not the page's: the page stays as it was last read.
  'render-fails': { state: 'ok' },
};

/** The labels of a material edit, each with the change kind (src/diff) its second version carries: its expected reason. */
export const MATERIAL_KINDS: Partial<Record<Label, string>> = Object.fromEntries(
  LABELS.flatMap((l) => (EXPECTED[l].state === 'changed' ? [[l, EXPECTED[l].reason]] : [])),
);

export type LabelledCase = {
  host: string;
  path: string;
  /** The case's URL on the started web (read it after startSimWeb(spec)). */
  readonly url: string;
  template: TemplateName;
  label: Label;
  expected: ExpectedState;
  /** The text only appears after running the page's script (template 'script'). */
  needsBrowser: boolean;
};

const HOSTS_PER_TEMPLATE = 3;
const PAYWALL_TEMPLATES: TemplateName[] = ['news', 'wire', 'blog'];
/** Only a browser reads these pages, so only their renders can fail. */
const RENDERED_TEMPLATES: TemplateName[] = ['script'];
/**
 * A third-party script host whose vendor script hangs in round 1: the pages that load it stall in a
 * browser. Its own host, as such scripts are: a hang on the page's host would also hold that host's
 * politeness turn and starve the renders of its other pages (a crawl matter, not this label's).
 */
const CDN = { host: 'cdn.sim', path: '/static/js/vendor.js' };
/** Listing pages a retired article is sent to, in shapes that are not a prefix of its path. */
const TOPICS = ['elections', 'investigations', 'money-and-power'];

function pathFor(template: TemplateName, a: Article, id: string): string {
  const s = slug(a.headline);
  const [y, m, d] = a.published.split('-');
  switch (template) {
    case 'news':
      return `/${a.section}/${y}/${m}/${d}/${s}`;
    case 'wire':
      return `/${a.section}/${s}-id${id}`;
    case 'gov':
      return `/news/press-releases/${y}/${m}/${s}`;
    case 'encyclopedia':
      return `/wiki/${a.headline.replace(/[^\p{L}\p{N}]+/gu, '_').slice(0, 60)}_${id}`;
    case 'blog':
      return `/${y}/${m}/${s}/`;
    case 'pdf':
      return `/files/reports/${y}/${s}-${id}.pdf`;
    case 'app':
    case 'script':
      return `/${a.section}/story/${s}-${id}`;
  }
}

function robotsFor(n: number): string | undefined {
  if (n === 2) return undefined; // one host in three has no robots.txt at all
  return `User-agent: *\nDisallow: /search\nDisallow: /account/\nDisallow: /api/\n\nUser-agent: GPTBot\nDisallow: /\n\nSitemap: /sitemap.xml\n`;
}

export function buildLabelledWeb(options: { perLabel: number; seed: number }): { spec: WebSpec; cases: LabelledCase[] } {
  const { perLabel, seed } = options;
  const spec: WebSpec = { seed, hosts: {} };
  const hostFor = (name: string, template: TemplateName, extra: Partial<HostSpec> = {}): HostSpec =>
    (spec.hosts[name] ??= { pages: {}, template, robotsTxt: robotsFor(Number(name.match(/-(\d+)\./)?.[1] ?? 0) % 3), ...extra });
  for (const t of TEMPLATES)
    for (let n = 1; n <= HOSTS_PER_TEMPLATE; n++) {
      // The third host of each kind sends unknown paths to its home page, as many real sites do.
      hostFor(`${t}-${n}.sim`, t, n === 3 ? { notFound: { kind: 'redirect', status: 301, location: '/' } } : {});
    }
  hostFor(CDN.host, 'script').pages[CDN.path] = { kind: 'hang' };
  const cases: LabelledCase[] = [];
  LABELS.forEach((label, li) => {
    for (let i = 0; i < perLabel; i++) {
      const rng = rngFor(seed, 'case', label, i);
      const allowed = label === 'paywall' ? PAYWALL_TEMPLATES : label === 'render-fails' ? RENDERED_TEMPLATES : TEMPLATES;
      const template = allowed[(i + li) % allowed.length];
      const original = generateArticle(rng);
      const id = rng.hex(8);
      const path = pathFor(template, original, id);
      const article = (a: Article, extra: Partial<Extract<Behaviour, { kind: 'article' }>> = {}): Behaviour => ({
        kind: 'article',
        template,
        article: a,
        ...extra,
      });
      const before = article(plain(original));
      let host = `${template}-${((i + li) % HOSTS_PER_TEMPLATE) + 1}.sim`;
      // Parked and soft-404 cases change their whole host, so they live on hosts of their own.
      if (label === 'parked-domain') hostFor((host = `parked-${template}-${i + 1}.sim`), template, { parkedFromRound: 1 });
      // Living PDFs and script pages also live beside a host's 200 "not found" page, which they must not be taken for.
      const besideSoft404 =
        (label === 'unchanged' || label === 'redesign' || label === 'render-fails') &&
        (template === 'pdf' || template === 'script') &&
        i % 2 === 0;
      if (label === 'soft-404' || besideSoft404) hostFor((host = `soft404-${template}.sim`), template, { notFound: { kind: 'soft404' } });
      const after = secondVersion(label, original, before, article, rng, i);
      const page: PageSpec = { kind: 'rounds', rounds: [before, after] };
      hostFor(host, template).pages[path] = page;
      // The listing a section redirect leads to (the built-in section fronts answer /<section>/ already).
      const to = typeof after === 'object' && 'location' in after && label === 'redirect-section' ? after.location : null;
      if (typeof to === 'string' && !spec.hosts[host].pages[to])
        hostFor(host, template).pages[to] = { kind: 'front', title: to.split('/').filter(Boolean).join(' · ') };
      const entry = { host, path, template, label, expected: EXPECTED[label], needsBrowser: template === 'script' };
      cases.push(Object.defineProperty(entry, 'url', { enumerable: true, get: () => urlOf(spec, host, path) }) as LabelledCase);
    }
  });
  return { spec, cases };
}

function urlOf(spec: WebSpec, host: string, path: string): string {
  const web = boundWeb(spec);
  if (!web) throw new Error('simweb: start the labelled web (startSimWeb(spec)) before reading a case URL');
  return web.url(host, path);
}

/**
 * Where a retired article is sent: its section front, or a listing elsewhere in the site's tree
 * (/section/politics/, /news/, /topics/elections), as real sites do.
 */
function sectionFront(section: string, i: number): string {
  switch (i % 4) {
    case 0:
      return `/${section}/`;
    case 1:
      return `/section/${section}/`;
    case 2:
      return '/news/';
    default:
      return `/topics/${TOPICS[i % TOPICS.length]}`;
  }
}

function secondVersion(
  label: Label,
  original: ReturnType<typeof generateArticle>,
  before: Behaviour,
  article: (a: Article, extra?: Partial<Extract<Behaviour, { kind: 'article' }>>) => Behaviour,
  rng: ReturnType<typeof rngFor>,
  i: number,
): PageSpec {
  const base = plain(original);
  const template = before.kind === 'article' ? before.template : null;
  switch (label) {
    case 'unchanged':
    case 'parked-domain':
      return before;
    case 'redesign':
      return article(base, { skin: 'redesign' });
    case 'edit-number':
      return article(editNumber(original, rng));
    case 'edit-name':
      return article(editName(original, rng));
    case 'paragraph-removed':
      return article(removeParagraph(base, rng));
    case 'correction-appended':
      return article(appendCorrection(original, rng));
    case 'new-headline':
      return article(newHeadline(original, rng));
    case 'story-replaced':
      return article({ ...plain(generateArticle(rng)), section: base.section });
    case 'gone-404':
      return { kind: 'status', status: 404 };
    case 'gone-410':
      return { kind: 'status', status: 410 };
    case 'soft-404':
      return { kind: 'soft404' };
    case 'redirect-root':
      return { kind: 'redirect', status: i % 2 ? 302 : 301, location: '/' };
    case 'redirect-section': {
      const location = sectionFront(base.section ?? 'news', i);
      // A script-built site redirects in the page, as its router does.
      return template === 'script' ? { kind: 'clientRedirect', location } : { kind: 'redirect', status: i % 2 ? 302 : 301, location };
    }
    case 'transient-503':
      return { kind: 'sequence', steps: [{ kind: 'status', status: 503, retryAfter: 1 }, before] };
    case 'transient-429':
      return { kind: 'sequence', steps: [{ kind: 'status', status: 429, retryAfter: 1 }, before] };
    // Every third hangs behind a gateway, which gives up after a while and answers 504 for the site.
    case 'transient-hang':
      return {
        kind: 'sequence',
        steps: [i % 3 === 2 ? { kind: 'slow', delayMs: 3000, then: { kind: 'status', status: 504 } } : { kind: 'hang' }, before],
      };
    case 'transient-reset':
      return { kind: 'sequence', steps: [{ kind: 'reset' }, before] };
    case 'blocked-403':
      return {
        kind: 'status',
        status: 403,
        body: "<html><head><title>403 Forbidden</title></head><body><h1>Access Denied</h1><p>You don't have permission to access this resource.</p></body></html>",
      };
    case 'bot-challenge':
      return { kind: 'botChallenge', status: i % 2 ? 503 : 403 };
    case 'paywall':
      return article(base, { paywall: true });
    // One in eight stalls (the render times out, as on a busy machine, holding a browser slot the whole
    // timeout: few, or the run would take far longer); the others draw nothing.
    case 'render-fails':
      return article(base, { breaksBrowser: i % 8 === 1 ? { stall: CDN } : 'blank' });
  }
}
