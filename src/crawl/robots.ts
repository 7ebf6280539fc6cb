import robotsParserModule from 'robots-parser';

// A CommonJS function export that its typings declare as an ES default; at run time the import is the function.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => { isAllowed(url: string, ua?: string): boolean | undefined; getCrawlDelay(ua?: string): number | undefined };

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
  if (answer.outcome === 'fetched' && status >= 200 && status < 300) return { text: Buffer.from(answer.body ?? []).toString('utf8') };
  if (status >= 400 && status < 500) return { text: '' };
  if (answer.outcome === 'too-large') return { text: '' }; // RFC 9309: parse at least 500 KiB; an oversized file is treated as no file
  return { text: null };
}

/** The product token robots.txt groups are matched against: 'citewatch' for 'citewatch/0.1 (...)'. */
export function robotsToken(userAgent: string): string {
  return userAgent.split(/[\s/]/)[0] || userAgent;
}

export function robotsAllows(rules: RobotsRules, url: string, userAgent: string): boolean {
  if (rules.text === null) return false;
  if (rules.text.trim() === '') return true;
  const origin = new URL(url).origin;
  // undefined means the file is for another origin; it then says nothing about this URL.
  return robotsParser(`${origin}/robots.txt`, rules.text).isAllowed(url, robotsToken(userAgent)) !== false;
}

/**
 * The gap between requests the file asks of us (Crawl-delay, in seconds; not in RFC 9309 but widely
 * used), capped so that one file cannot stall a host's sources for good. Null when it asks none.
 */
export function robotsCrawlDelayMs(rules: RobotsRules, userAgent: string, maxMs: number): number | null {
  if (!rules.text?.trim()) return null;
  const seconds = robotsParser('http://robots.invalid/robots.txt', rules.text).getCrawlDelay(robotsToken(userAgent));
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
  return Math.min(Math.round(seconds * 1000), maxMs);
}
