import { describe, expect, it } from 'vitest';
import { robotsAllows, robotsCrawlDelayMs } from '../../src/crawl/robots.js';
import { classifyChange } from '../../src/diff/classifyChange.js';
import { touchesClaim } from '../../src/diff/claim.js';
import { wordDiff } from '../../src/diff/words.js';
import { extractContent } from '../../src/extract/index.js';
import { comparableText, stripVolatile } from '../../src/extract/normalize.js';
import { classifySource } from '../../src/states/classifySource.js';
import { looksLikeProbe } from '../../src/states/looksLikeProbe.js';
import { observeCapture, type CaptureFacts, type PageSignals } from '../../src/states/observeCapture.js';

/**
 * Hostile text: what a page (or a timeline) can repeat to make a text routine scan for seconds on
 * the thread every host's politeness turn waits on. Each input took seconds before the routines
 * were made linear or bounded (times measured then in the comments); the budgets are generous, and
 * count the CPU this process used rather than wall time, so a busy machine cannot fail them.
 */
const BUDGET_MS = 750;
const N = 64_000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(started);
  return { value, ms: (used.user + used.system) / 1000 };
}

describe('normalize: every volatile-token pattern is linear in the paragraph', () => {
  const cases: [string, string][] = [
    ['a run of dashes after a letter (base64 token pattern, 3.8 s)', `a${'-'.repeat(N)}`],
    ['a run of plus signs (base64 token pattern, 4.4 s)', `a${'+'.repeat(N)}`],
    ['"sid-" repeated (session label with no digit in its value, 2.0 s)', 'sid-'.repeat(N / 4)],
    ['"1," repeated (counter figure, 3.3 s)', `${'1,'.repeat(N / 2)}x`],
    ['"1." repeated (counter figure, 3.4 s)', `${'1.'.repeat(N / 2)}x`],
    ['spaced dashes between words (trailing-separator trim, 4.1 s)', `x ${'- '.repeat(N / 2)}y`],
    ['a run of blanks between words (punctuation spacing, 4.2 s)', `a${' '.repeat(N)}b`],
    ['a clock time then blanks (chrome date pattern, 7.6 s)', `12:00${' '.repeat(N)}`],
    ['"updated" then blanks, a colon, blanks (relative time label, 9.8 s)', `updated${' '.repeat(N)}:${' '.repeat(N)}`],
    ['a figure then blanks, a dash, blanks (reading time, 18.5 s)', `5${' '.repeat(N)}-${' '.repeat(N)}`],
    ['uuid-like groups repeated (0.9 s)', '0123abcd-'.repeat(N / 9)],
  ];
  it.each(cases)('%s', (_, paragraph) => {
    const { ms } = timed(() => stripVolatile(paragraph));
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('still strips a base64 token and a labelled session id, and keeps the words around them', () => {
    expect(stripVolatile('Cached as dGhpcyBpcyBhIHRva2VuMTIz= for you')).toBe('Cached as for you');
    expect(stripVolatile('Your token=abc123xyz expired')).toBe('Your token expired');
  });

  it('compares a 64k-character run by its first 256 characters', () => {
    expect(comparableText(`Blob ${'ab'.repeat(N / 2)}`)).toBe(`Blob ${'ab'.repeat(128)}`);
  });
});

describe('diff: classifying and showing a rewrite is bounded', () => {
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' ');
  const sentence = (seed: number) =>
    `X${seed} ${Array.from({ length: 11 }, (_, i) => words[(seed * 7 + i * 13 + (seed >> 3)) % words.length]).join(' ')}.`;
  const text = (from: number, n: number) => Array.from({ length: n }, (_, i) => sentence(from + i)).join(' ');

  it('classifies a fully rewritten 3,000-sentence text (5.3 s before)', () => {
    const { value, ms } = timed(() => classifyChange(text(0, 3000), text(10_000, 3000)));
    expect(value.kinds[0]).toBe('story-replaced');
    expect(ms).toBeLessThan(1500);
  });

  it('still pairs an edited sentence in a long text as a figure change', () => {
    const before = text(0, 3000);
    const after = before.replace('X1500 ', 'X1500 and 400 ');
    expect(classifyChange(before, after).kinds).toEqual(['number']);
  });

  it('shows a rewritten 8,000-word text as replaced (11 s before)', () => {
    const w = (k: number) => Array.from({ length: 8000 }, (_, i) => `w${(i * k) % 9973}`).join(' ');
    const { value, ms } = timed(() => wordDiff(w(7), w(13)));
    expect(value).toEqual([
      { value: w(7), removed: true },
      { value: w(13), added: true },
    ]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('reads claims made of digit soup and quote runs (a 64k-digit figure threw "regular expression too large")', () => {
    for (const title of ['1'.repeat(N), `A ${"'".repeat(N)}x`, '1,'.repeat(N / 2)]) {
      const { ms } = timed(() => touchesClaim({ added: ['The figure rose'], removed: ['The figure fell'] }, { title }));
      expect(ms).toBeLessThan(BUDGET_MS);
    }
  });
});

describe('robots.txt: parsed once per host, read up to 500 KiB', () => {
  const ua = 'citewatch/0.1';
  // 11 MB, ending in a rule that a reader of its first 500 KiB never sees.
  const huge = `User-agent: *\nCrawl-delay: 3\nDisallow: /private/\n${Array.from({ length: 400_000 }, (_, i) => `Disallow: /p${i}/`).join('\n')}\nDisallow: /late/\n`;

  it('answers 50 URLs of an 11 MB file in well under a second (0.4 s per URL before)', () => {
    const rules = { text: huge };
    const { value, ms } = timed(() => Array.from({ length: 50 }, (_, i) => robotsAllows(rules, `https://h.example/a${i}`, ua)));
    expect(value.every(Boolean)).toBe(true);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('applies the rules within the first 500 KiB and ignores the rest', () => {
    const rules = { text: huge };
    expect(robotsAllows(rules, 'https://h.example/private/x', ua)).toBe(false);
    expect(robotsAllows(rules, 'https://h.example/p10/x', ua)).toBe(false);
    expect(robotsAllows(rules, 'https://h.example/late/x', ua)).toBe(true);
    expect(robotsCrawlDelayMs(rules, ua, 60_000)).toBe(3000);
  });
});

describe('states: a path of slashes', () => {
  it('compares redirect targets without rescanning the slashes (2.9 s before)', () => {
    const url = `https://h.example/${'/'.repeat(N)}x`;
    const { ms } = timed(() => looksLikeProbe({ requestedUrl: url, finalUrl: `${url}y`, text: null }, { status: 404, finalUrl: url }));
    expect(ms).toBeLessThan(BUDGET_MS);
  });
});

describe('extraction of a deep document falls back visibly', () => {
  const nested = (depth: number) =>
    `<html><head><title>Deep</title></head><body>${'<div>'.repeat(depth)}The council approved the budget.${'</div>'.repeat(depth)}<p>Filed Tuesday.</p></body></html>`;
  const extract = (html: string) =>
    extractContent({ body: new TextEncoder().encode(html), contentType: 'text/html', url: 'http://h.example/deep' });

  // 1,000 levels took 6 s in Readability, 5,000 more than 5 minutes, 100,000 overflowed the stack.
  it.each([1_000, 100_000])('reads %i nested <div>s as plain text, marked as such', async (depth) => {
    const started = process.cpuUsage();
    const out = await extract(nested(depth));
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(3000);
    expect(out.paragraphs).toEqual(['The council approved the budget.', 'Filed Tuesday.']);
    expect(out.title).toBe('Deep');
    expect(out.signals.extraction).toBe('fallback-deep-document');
  });

  it('leaves an ordinary page to Readability, unmarked', async () => {
    const out = await extract(nested(20));
    expect(out.text).toContain('The council approved the budget.');
    expect(out.signals.extraction).toBeUndefined();
  });

  const CLEAN: PageSignals = { errorPage: false, parked: false, botChallenge: false, paywall: false, scriptShell: false, wordCount: 600 };
  const capture = (signals: PageSignals): CaptureFacts => ({
    id: 1,
    at: new Date(),
    outcome: 'fetched',
    httpStatus: 200,
    finalUrl: 'https://h.example/a/story',
    signals,
  });
  const config = { vanishedAfterChecks: 2, unreachableAfterChecks: 3, unreachableAfterMs: 86_400_000 };

  it('says so in the state of a source whose page was read as a fallback', () => {
    const verdict = classifySource({
      url: 'https://h.example/a/story',
      captures: [capture({ ...CLEAN, extraction: 'fallback-deep-document' })],
      config,
    });
    expect(verdict).toMatchObject({ state: 'ok', reason: 'extraction-fallback-deep-document' });
    expect(classifySource({ url: 'https://h.example/a/story', captures: [capture(CLEAN)], config }).reason).toBeNull();
  });

  it.each(['timeout', 'out-of-memory'] as const)(
    "holds a page whose extraction ran out (%s) as inconclusive (citewatch's failure), not as content with no text",
    (extraction) => {
      expect(observeCapture('https://h.example/a/story', capture({ ...CLEAN, wordCount: 0, extraction }))).toEqual({
        kind: 'inconclusive',
        reason: `extraction-${extraction}`,
      });
    },
  );
});
