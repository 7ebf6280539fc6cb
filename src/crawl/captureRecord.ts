import type { Outcome } from './outcomePolicy.js';

/** Response headers worth keeping with a capture: what later stages and people reason with. */
export const KEPT_HEADERS = [
  'content-type',
  'content-length',
  'content-language',
  'content-disposition',
  'etag',
  'last-modified',
  'location',
  'retry-after',
  'server',
  'cache-control',
  'expires',
  'age',
  'x-robots-tag',
  'link',
  'refresh',
  'content-location',
];

export function selectHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = headers[name];
    if (v !== undefined) out[name] = v.slice(0, 1000);
  }
  return out;
}

/** A random path beside the source that cannot exist: /<first segment>/citewatch-probe-<random>. */
export function probeUrl(sourceUrl: string, random: string): string {
  const u = new URL(sourceUrl);
  const first = u.pathname.split('/').filter(Boolean)[0];
  // A first segment that looks like a file (index.html) is not a directory to probe beside.
  const dir = first && !first.includes('.') && u.pathname.split('/').filter(Boolean).length > 1 ? `/${first}` : '';
  return `${u.origin}${dir}/citewatch-probe-${random}`;
}

/** How the summary groups a capture. */
export type CaptureClass = 'unchanged' | 'changed-content' | 'new-content' | 'error';

export function classifyCapture(c: { outcome: Outcome; bodyHash: string | null }, previousHash: string | null): CaptureClass {
  if (c.outcome === 'not-modified') return 'unchanged';
  if ((c.outcome === 'fetched' || c.outcome === 'not-rendered') && c.bodyHash) {
    if (previousHash === null) return 'new-content';
    return previousHash === c.bodyHash ? 'unchanged' : 'changed-content';
  }
  return 'error';
}

export type CrawlSummary = {
  checked: number;
  unchanged: number;
  changedContent: number;
  newContent: number;
  errors: number;
  byOutcome: Record<string, number>;
  hosts: number;
  /** Hosts another worker held, or that asked us to wait (Retry-After) past this pass. */
  hostsSkipped: number;
  probes: number;
  durationMs: number;
  interrupted: boolean;
};

export function emptySummary(): CrawlSummary {
  return {
    checked: 0,
    unchanged: 0,
    changedContent: 0,
    newContent: 0,
    errors: 0,
    byOutcome: {},
    hosts: 0,
    hostsSkipped: 0,
    probes: 0,
    durationMs: 0,
    interrupted: false,
  };
}

export function countCapture(s: CrawlSummary, outcome: Outcome, cls: CaptureClass): void {
  s.checked++;
  s.byOutcome[outcome] = (s.byOutcome[outcome] ?? 0) + 1;
  if (cls === 'unchanged') s.unchanged++;
  else if (cls === 'changed-content') s.changedContent++;
  else if (cls === 'new-content') s.newContent++;
  else s.errors++;
}
