import robotsParserModule from 'robots-parser';

type Parsed = { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined };
// A CommonJS function export that its typings declare as an ES default; at run time the import is the function.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Parsed;

/**
 * robots.txt, interpreted per RFC 9309. Pure: the crawl fetches the file (a request like any other,
 * at most once per host per day), this decides what it means.
 *
 * RobotsRules.text: the file's text; '' when the site has none (4xx: everything allowed);
 * null when it could not be read (5xx, network error): everything disallowed for now, asked again next pass.
 */
export type RobotsRules = { text: string | null };

export function robotsFromAnswer(answer: { outcome: string; httpStatus: number | null; body: Uint8Array | null }): RobotsRules {
  const status = answer.httpStatus ?? 0;
  if (answer.outcome === 'fetched' && status >= 200 && status < 300)
    return { text: capped(Buffer.from(answer.body ?? []).toString('utf8')) };
  if (status >= 400 && status < 500) return { text: '' };
  if (answer.outcome === 'too-large') return { text: '' }; // RFC 9309: parse at least 500 KiB; an oversized file is treated as no file
  return { text: null };
}

/** The product token robots.txt groups are matched against: 'citewatch' for 'citewatch/0.1 (...)'. */
export function robotsToken(userAgent: string): string {
  return userAgent.split(/[\s/]/)[0] || userAgent;
}

/**
 * What is read of a file, as Google does: its first 500 KiB (RFC 9309 asks parsers for at least
 * that much), cut at a line end. More is a hostile file: 11 MB took 0.4 s to parse.
 */
export const MAX_ROBOTS_CHARS = 500 * 1024;

function capped(text: string): string {
  return text.length <= MAX_ROBOTS_CHARS ? text : text.slice(0, text.lastIndexOf('\n', MAX_ROBOTS_CHARS) + 1);
}

/** One parse per file: a host's rules object lives for the pass and is asked about every URL on it. */
const parsedFiles = new WeakMap<RobotsRules, Parsed>();
const ORIGIN = 'http://robots.invalid';

function parsed(rules: RobotsRules, text: string): Parsed {
  let file = parsedFiles.get(rules);
  if (!file) parsedFiles.set(rules, (file = robotsParser(`${ORIGIN}/robots.txt`, capped(text))));
  return file;
}

export function robotsAllows(rules: RobotsRules, url: string, userAgent: string): boolean {
  if (rules.text === null) return false;
  if (rules.text.trim() === '') return true;
  // Parsed under a fixed origin (the rules are this URL's host's), so the path and query are what is matched.
  const { pathname, search } = new URL(url);
  return parsed(rules, rules.text).isAllowed(`${ORIGIN}${pathname}${search}`, robotsToken(userAgent)) !== false;
}

/**
 * The gap between requests the file asks of us (Crawl-delay, in seconds; not in RFC 9309 but widely
 * used), capped so that one file cannot stall a host's sources for good. Null when it asks none.
 */
export function robotsCrawlDelayMs(rules: RobotsRules, userAgent: string, maxMs: number): number | null {
  if (!rules.text?.trim()) return null;
  const seconds = parsed(rules, rules.text).getCrawlDelay(robotsToken(userAgent));
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
  return Math.min(Math.round(seconds * 1000), maxMs);
}
