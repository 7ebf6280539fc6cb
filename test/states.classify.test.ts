import type { ChangeClassification } from '../src/db/schema/domain.js';
import { describe, expect, it } from 'vitest';
import { classifySource, type StateConfig, type StateVerdict } from '../src/states/classifySource.js';
import type { CaptureFacts, PageSignals } from '../src/states/observeCapture.js';

const URL_ = 'https://news.example.com/2021/05/03/big-story-about-things';
const DAY = 86_400_000;
const CONFIG: StateConfig = { vanishedAfterChecks: 2, unreachableAfterChecks: 3, unreachableAfterMs: 3 * DAY };
const CLEAN: PageSignals = { errorPage: false, parked: false, botChallenge: false, paywall: false, scriptShell: false, wordCount: 600 };

type Step = { capture: CaptureFacts; change: { id: number; classification: ChangeClassification; kinds: string[] } | null };

/** One capture per token; "12h:dns" says the capture came 12 hours after the one before (default a day). */
function step(token: string, id: number, at: Date): Step {
  const page = (over: Partial<CaptureFacts> = {}, signals: Partial<PageSignals> = {}): CaptureFacts => ({
    id,
    at,
    outcome: 'fetched',
    httpStatus: 200,
    finalUrl: URL_,
    snapshotId: id,
    textHash: `text-${id}`,
    signals: { ...CLEAN, ...signals },
    matchesProbe: false,
    ...over,
  });
  // The browser failed; the HTTP answer (status, redirects) is still known.
  const unrendered = (over: Partial<CaptureFacts>): CaptureFacts => ({
    id,
    at,
    outcome: 'not-rendered',
    errorKind: 'browser',
    httpStatus: 200,
    ...over,
  });
  const [name, arg] = token.split(':');
  if (name === 'chg') return { capture: page(), change: { id: 1000 + id, classification: 'material', kinds: arg.split(',') } };
  if (name === 'noise') return { capture: page(), change: { id: 1000 + id, classification: 'noise', kinds: [] } };
  const capture = ((): CaptureFacts => {
    if (/^\d{3}$/.test(name) && name !== '304') return { id, at, outcome: 'http-error', httpStatus: Number(name), finalUrl: URL_ };
    if (['dns', 'refused', 'reset', 'timeout', 'tls'].includes(name)) return { id, at, outcome: 'network-error', errorKind: name };
    switch (name) {
      case 'ok':
        return page();
      // citewatch's own timeout (its backstop fired, its process stalled through the wait)
      case 'ctimeout':
        return { id, at, outcome: 'network-error', errorKind: 'citewatch-timeout' };
      case '304':
        return { id, at, outcome: 'not-modified', httpStatus: 304, finalUrl: URL_ };
      case 'soft':
        return page({ matchesProbe: true });
      case 'errpage':
        return page({}, { errorPage: true });
      case 'parked':
        return page({}, { parked: true });
      case 'bot':
        return page({}, { botChallenge: true });
      case 'paywall304':
        return { ...page({}, { paywall: true }), outcome: 'not-modified', httpStatus: 304 };
      case 'bot503':
        return { ...page({}, { botChallenge: true }), outcome: 'http-error', httpStatus: 503 };
      case 'bot403cf':
        return { ...page({}, { botChallenge: true }), outcome: 'http-error', httpStatus: 403, headers: { server: 'cloudflare' } };
      case 'denied403':
        return { ...page({}, { botChallenge: true }), outcome: 'http-error', httpStatus: 403, headers: { server: 'nginx' } };
      case 'paywall':
        return page({}, { paywall: true });
      case 'shell':
        return page({}, { scriptShell: true });
      case 'root':
        return page({ finalUrl: 'https://news.example.com/' });
      case 'section':
        return page({ finalUrl: 'https://news.example.com/politics/' });
      // Listings that are not a prefix of the article's path; a client-side redirect ends the same way.
      case 'section2':
        return page({ finalUrl: 'https://news.example.com/section/politics/' });
      case 'topics':
        return page({ finalUrl: 'https://news.example.com/topics/elections' });
      // What the landing page's content says it is: a second signal, independent of the URL's shape.
      case 'listing':
        return page({ finalUrl: 'https://news.example.com/latest-updates-2024' }, { layout: 'listing' });
      case 'folderlisting':
        return page({ finalUrl: 'https://news.example.com/2021/05/03/latest' }, { layout: 'listing' });
      case 'topicslisting':
        return page({ finalUrl: 'https://news.example.com/topics/elections' }, { layout: 'listing' });
      case 'sectionarticle':
        return page({ finalUrl: 'https://news.example.com/politics/' }, { layout: 'article' });
      case 'topicsarticle':
        return page({ finalUrl: 'https://news.example.com/topics/elections' }, { layout: 'article' });
      case 'news':
        return page({
          finalUrl: 'https://www.example.com/news/',
          redirects: [
            { url: URL_, status: 302 },
            { url: 'https://www.example.com/news/', status: 200 },
          ],
        });
      // Bytes already read as content (capture 1's snapshot), or the same text in new bytes, now resembling the probe.
      case 'softsame':
        return page({ snapshotId: 1, matchesProbe: true });
      case '304soft':
        return { ...page({ snapshotId: 1, matchesProbe: true }), outcome: 'not-modified', httpStatus: 304 };
      case 'softtext':
        return page({ matchesProbe: true, textHash: 'text-1' });
      case 'emptysoft':
        return page({ matchesProbe: true, textHash: 'text-1' }, { wordCount: 0 });
      case 'pdfsoft':
        return page({ matchesProbe: true, headers: { 'content-type': 'application/pdf' } });
      // The extraction ran out of time (a busy machine): no text, nothing learnt.
      case 'xtimeout':
        return page({}, { extraction: 'timeout', wordCount: 0 });
      case 'unrelated':
        return page({ finalUrl: 'https://casino.example.org/welcome' });
      case 'moved':
        return page({ finalUrl: 'https://www.example.com/articles/big-story-about-things' });
      case 'https':
        return page({ finalUrl: URL_.replace('https:', 'http:') + '/' });
      case 'robots':
        return { id, at, outcome: 'robots-disallowed' };
      case 'nr':
        return unrendered({ finalUrl: URL_, snapshotId: id, signals: { ...CLEAN, scriptShell: true } });
      case 'nrroot':
        return unrendered({
          finalUrl: 'https://news.example.com/',
          redirects: [
            { url: URL_, status: 301 },
            { url: 'https://news.example.com/', status: 200 },
          ],
        });
      case 'nrsection':
        return unrendered({
          finalUrl: null,
          redirects: [
            { url: URL_, status: 302 },
            { url: 'https://news.example.com/politics/', status: 200 },
          ],
        });
      case 'nrparked':
        return unrendered({ finalUrl: URL_, snapshotId: id, signals: { ...CLEAN, parked: true } });
      case 'nr404':
        return unrendered({ httpStatus: 404, finalUrl: URL_ });
      case 'toolarge':
        return { id, at, outcome: 'too-large', httpStatus: 200 };
      default:
        throw new Error(`unknown token ${token}`);
    }
  })();
  return { capture, change: null };
}

/** Classifies after every capture, feeding each verdict back in as the edge does. */
function replay(history: string, config: StateConfig = CONFIG): StateVerdict[] {
  const captures: CaptureFacts[] = [];
  const verdicts: StateVerdict[] = [];
  let previous: StateVerdict | null = null;
  let lastContent: StateVerdict | null = null;
  let t = Date.UTC(2026, 0, 1);
  for (const [i, raw] of history.split(/\s+/).filter(Boolean).entries()) {
    const gap = /^(\d+)([hd])@/.exec(raw);
    if (i > 0) t += gap ? Number(gap[1]) * (gap[2] === 'h' ? 3_600_000 : DAY) : DAY;
    const { capture, change } = step(gap ? raw.slice(gap[0].length) : raw, i + 1, new Date(t));
    captures.push(capture);
    previous = classifySource({ url: URL_, captures: captures.slice(-20), change, previous, lastContent, config });
    if (previous.state === 'ok' || previous.state === 'changed') lastContent = previous;
    verdicts.push(previous);
  }
  return verdicts;
}

const CASES: [history: string, state: string, reason: string | null][] = [
  ['', 'pending', null],
  ['ok', 'ok', null],
  ['ok ok ok', 'ok', null],
  ['ok 304 304', 'ok', null],
  ['ok noise', 'ok', null],
  ['ok chg:number', 'changed', 'number'],
  ['ok chg:number,name', 'changed', 'number'],
  ['ok chg:number ok', 'changed', 'number'],
  ['ok chg:number noise 304', 'changed', 'number'],
  ['ok chg:number chg:headline', 'changed', 'headline'],
  ['ok timeout chg:number', 'changed', 'number'],
  ['ok chg:number timeout ok', 'changed', 'number'],
  // vanishing needs two consecutive checks; the first keeps the previous state
  ['404', 'pending', 'unconfirmed http-404 (1/2)'],
  ['404 404', 'vanished', 'http-404'],
  ['ok 404', 'ok', 'unconfirmed http-404 (1/2)'],
  ['ok 404 404', 'vanished', 'http-404'],
  ['ok 410 410', 'vanished', 'http-410'],
  ['ok 404 410', 'vanished', 'http-410'],
  ['ok 404 ok', 'ok', null],
  ['ok 404 ok 404', 'ok', 'unconfirmed http-404 (1/2)'],
  ['ok 404 timeout 404', 'unreachable', 'timeout; unconfirmed http-404 (1/2)'],
  ['ok chg:number 404', 'changed', 'number; unconfirmed http-404 (1/2)'],
  ['ok chg:number 404 ok', 'changed', 'number'],
  ['ok chg:number 404 404', 'vanished', 'http-404'],
  ['ok 404 404 404', 'vanished', 'http-404'],
  ['ok 404 404 timeout', 'vanished', 'http-404'],
  ['ok 404 404 403', 'blocked', 'http-403'],
  ['ok 404 404 ok', 'ok', null],
  ['ok 404 404 chg:headline', 'changed', 'headline'],
  // soft 404s: the host's not-found template, an error page, a parked domain, redirects away
  ['ok soft', 'ok', 'unconfirmed soft-404 (1/2)'],
  ['ok soft soft', 'vanished', 'soft-404'],
  ['ok errpage errpage', 'vanished', 'soft-404'],
  ['ok parked parked', 'vanished', 'parked-domain'],
  ['ok root root', 'vanished', 'redirect-to-root'],
  ['ok section section', 'vanished', 'redirect-to-section'],
  ['ok unrelated unrelated', 'vanished', 'redirect-to-unrelated'],
  ['ok 404 root', 'vanished', 'redirect-to-root'],
  ['ok moved moved', 'ok', null],
  ['ok https https', 'ok', null],
  // network and server failures: unreachable at once, vanished only after 3 checks over 3 days
  ['dns', 'unreachable', 'dns'],
  ['ok timeout', 'unreachable', 'timeout'],
  ['ok refused', 'unreachable', 'refused'],
  ['ok reset', 'unreachable', 'reset'],
  ['ok tls', 'unreachable', 'tls'],
  ['ok 500', 'unreachable', 'http-5xx'],
  ['ok 503 502', 'unreachable', 'http-5xx'],
  ['ok 429', 'unreachable', 'http-429'],
  // a hang, whether the fetch gave up or a gateway did, is a timeout; one success ends it
  ['ok 504', 'unreachable', 'timeout'],
  ['ok 524 522', 'unreachable', 'timeout'],
  ['ok timeout ok', 'ok', null],
  ['ok 504 ok', 'ok', null],
  ['ok timeout 504 503 ok', 'ok', null],
  ['ok dns dns dns', 'unreachable', 'dns'],
  ['ok dns dns dns dns', 'vanished', 'unreachable-dns'],
  ['ok dns timeout refused dns', 'vanished', 'unreachable-dns'],
  ['ok dns 1h@dns 1h@dns 1h@dns 1h@dns 1h@dns', 'unreachable', 'dns'],
  ['ok dns 3d@dns', 'unreachable', 'dns'],
  ['ok dns 3d@dns 1h@dns', 'vanished', 'unreachable-dns'],
  ['ok dns dns dns ok dns', 'unreachable', 'dns'],
  ['ok dns dns ok dns dns', 'unreachable', 'dns'],
  ['ok dns dns dns dns ok', 'ok', null],
  ['ok dns dns dns dns timeout', 'vanished', 'unreachable-dns'],
  ['ok 503 503 503 503', 'vanished', 'unreachable-http-5xx'],
  ['ok 429 429 429 429 429 429', 'unreachable', 'http-429'],
  ['ok dns dns 429 dns', 'unreachable', 'dns'],
  // blocked: may exist, cannot be read, never vanished
  ['ok 403', 'blocked', 'http-403'],
  ['ok 403 403 403 403 403 403', 'blocked', 'http-403'],
  ['ok 401', 'blocked', 'http-401'],
  ['ok 451', 'blocked', 'http-451'],
  ['ok robots', 'blocked', 'robots'],
  ['ok bot bot bot', 'blocked', 'bot-challenge'],
  ['ok paywall', 'blocked', 'paywall'],
  ['ok paywall paywall304', 'blocked', 'paywall'],
  ['ok bot503 bot503 bot503 bot503 bot503', 'blocked', 'bot-challenge'],
  ['ok bot403cf', 'blocked', 'bot-challenge'],
  ['ok denied403', 'blocked', 'http-403'],
  // a failed render (or none) is citewatch's failure: the state stays, and no streak breaks or grows
  ['ok shell', 'ok', null],
  ['ok nr', 'ok', null],
  ['ok nr nr nr', 'ok', null],
  ['nr', 'pending', null],
  ['ok chg:number nr', 'changed', 'number'],
  ['ok 403 nr', 'blocked', 'http-403'],
  ['ok 404 nr', 'ok', 'unconfirmed http-404 (1/2)'],
  ['ok 404 nr 404', 'vanished', 'http-404'],
  ['ok soft nr nr soft', 'vanished', 'soft-404'],
  ['ok 404 404 nr', 'vanished', 'http-404'],
  ['ok nrparked nrparked', 'vanished', 'parked-domain'],
  ['ok dns nr dns 3d@nr dns', 'vanished', 'unreachable-dns'],
  ['ok xtimeout', 'ok', null],
  ['ok chg:number xtimeout xtimeout', 'changed', 'number'],
  ['ok 404 xtimeout 404', 'vanished', 'http-404'],
  // unchanged bytes (a 304 stands for them) or unchanged text never vanish; a PDF is not the host's
  // HTML not-found page; an empty text is like nothing
  ['ok softsame softsame', 'ok', null],
  ['ok 304soft 304soft', 'ok', null],
  ['ok softtext softtext', 'ok', null],
  ['ok emptysoft emptysoft', 'vanished', 'soft-404'],
  ['ok pdfsoft pdfsoft', 'ok', null],
  ['soft softsame', 'vanished', 'soft-404'], // the same not-found bytes twice: never read as content
  // a redirect to a listing anywhere in the site's tree is a retired article; the same URL with a
  // different article is a replaced story
  ['ok section2 section2', 'vanished', 'redirect-to-section'],
  ['ok topics topics', 'vanished', 'redirect-to-section'],
  ['ok news news', 'vanished', 'redirect-to-section'],
  // the landing's content: a listing is a section front at any path; an article is none at any path
  ['ok listing', 'ok', 'unconfirmed redirect-to-section (1/2)'],
  ['ok listing listing', 'vanished', 'redirect-to-section'],
  ['ok folderlisting folderlisting', 'vanished', 'redirect-to-section'],
  ['ok topicslisting topicslisting', 'vanished', 'redirect-to-section'],
  ['ok section listing', 'vanished', 'redirect-to-section'],
  ['ok sectionarticle sectionarticle', 'ok', null],
  ['ok topicsarticle topicsarticle topicsarticle', 'ok', null],
  ['ok chg:number sectionarticle', 'changed', 'number'],
  ['ok chg:story-replaced', 'changed', 'story-replaced'],
  // a failed render still carries the HTTP facts: redirects and statuses count toward vanishing
  ['ok nrsection', 'ok', 'unconfirmed redirect-to-section (1/2)'],
  ['ok nrsection nrsection', 'vanished', 'redirect-to-section'],
  ['ok section nrsection', 'vanished', 'redirect-to-section'],
  ['ok nrroot root', 'vanished', 'redirect-to-root'],
  ['ok nr404 404', 'vanished', 'http-404'],
  ['ok toolarge', 'blocked', 'too-large'],
  // citewatch's own timeouts are no fact about the source: the state stays, no streak breaks or grows
  ['ok ctimeout', 'ok', null],
  ['ctimeout', 'pending', null],
  ['ok ctimeout ctimeout ctimeout ctimeout ctimeout', 'ok', null],
  ['ok chg:number ctimeout', 'changed', 'number'],
  ['ok timeout ctimeout', 'unreachable', 'timeout'],
  ['ok 404 ctimeout 404', 'vanished', 'http-404'],
  ['ok dns dns ctimeout 3d@ctimeout dns dns', 'vanished', 'unreachable-dns'],
  ['ok 404 404 ctimeout', 'vanished', 'http-404'],
  ['ok 403 ok', 'ok', null],
  ['ok chg:number 403 ok', 'changed', 'number'],
];

describe('classifySource', () => {
  it.each(CASES)('%s → %s (%s)', (history, state, reason) => {
    const verdicts = replay(history);
    const last = verdicts[verdicts.length - 1] ?? classifySource({ url: URL_, captures: [], config: CONFIG });
    expect({ state: last.state, reason: last.reason }).toEqual({ state, reason });
  });

  it('waits for as many checks as vanishedAfterChecks says', () => {
    const three = { ...CONFIG, vanishedAfterChecks: 3 };
    expect(replay('ok 404 404', three).at(-1)).toMatchObject({ state: 'ok', reason: 'unconfirmed http-404 (2/3)' });
    expect(replay('ok 404 404 404', three).at(-1)).toMatchObject({ state: 'vanished', reason: 'http-404' });
  });

  it('keeps an episode identity across re-checks: vanished since the first confirming capture', () => {
    const v = replay('ok 404 404 404 410');
    expect(v.slice(2).map((x) => x.sinceCaptureId)).toEqual([2, 2, 2]);
    const c = replay('ok chg:number ok 304 noise');
    expect(c.slice(1).map((x) => [x.state, x.changeId])).toEqual([
      ['changed', 1002],
      ['changed', 1002],
      ['changed', 1002],
      ['changed', 1002],
    ]);
    expect(replay('ok dns dns dns dns').at(-1)?.sinceCaptureId).toBe(2);
  });

  it('never turns transient failures into changed or vanished', () => {
    const transient = ['timeout', 'ctimeout', 'dns', 'reset', '503', '429', '403', 'robots', 'bot', '404', 'soft', 'root'];
    for (const a of transient)
      for (const b of transient) {
        // a failure, a success, another failure: no two consecutive gone-signals, no three days of failure
        for (const history of [`ok ${a} ok ${b}`, `ok chg:number ${a} ok ${b} ok`]) {
          const states = replay(history).slice(history.startsWith('ok chg') ? 2 : 1);
          for (const s of states) expect(['ok', 'changed', 'unreachable', 'blocked']).toContain(s.state);
          if (!history.includes('chg')) expect(states.every((s) => s.state !== 'changed')).toBe(true);
        }
      }
    for (const a of ['timeout', 'dns', '503', 'refused'])
      for (const b of ['timeout', 'dns', '503', 'refused']) {
        expect(replay(`ok ${a} ${b} ${a}`).map((s) => s.state)).not.toContain('vanished');
      }
  });
});
