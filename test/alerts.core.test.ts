import { describe, expect, it } from 'vitest';
import { channelsSchema } from '../src/alerts/channelSettings.js';
import { decideDigest } from '../src/alerts/digest.js';
import { acceptsAlert, type AlertFacts } from '../src/alerts/filters.js';
import { httpFailureKind, retryDelayMs, smtpFailureKind, type BackoffPolicy } from '../src/alerts/backoff.js';
import { flagAlertKey, messageIdFor } from '../src/alerts/keys.js';
import { messageOf } from '../src/alerts/message.js';
import { buildFlagPayload, claimPassages, type FlagFacts } from '../src/alerts/payload.js';
import { html, plainText, slackBody } from '../src/alerts/render.js';

const FACTS: AlertFacts = { importance: 7, tags: ['banking', 'cyprus'], state: 'changed', reason: 'number', touchesClaim: true };

describe('channel filters', () => {
  it.each([
    ['no filters take everything', {}, FACTS, true],
    ['importance at the minimum passes', { minImportance: 7 }, FACTS, true],
    ['importance below the minimum is refused', { minImportance: 8 }, FACTS, false],
    ['an event without importance never passes a minimum', { minImportance: 0 }, { ...FACTS, importance: null }, false],
    ['a listed state passes', { states: ['changed'] }, FACTS, true],
    ['an unlisted state is refused', { states: ['vanished'] }, FACTS, false],
    ['a listed reason passes', { reasons: ['number', 'http-404'] }, FACTS, true],
    ['an unlisted reason is refused', { reasons: ['http-404'] }, FACTS, false],
    ['no reason never matches a reason list', { reasons: ['number'] }, { ...FACTS, reason: null }, false],
    ['one shared tag is enough', { tags: ['cyprus', 'oil'] }, FACTS, true],
    ['no shared tag is refused', { tags: ['oil'] }, FACTS, false],
    ['a change touching the claim passes claimTouchingOnly', { claimTouchingOnly: true }, FACTS, true],
    ['a change beside the claim is refused', { claimTouchingOnly: true }, { ...FACTS, touchesClaim: false }, false],
    ['a change not assessed is refused', { claimTouchingOnly: true }, { ...FACTS, touchesClaim: null }, false],
    [
      'a vanished page counts as touching the claim',
      { claimTouchingOnly: true },
      { ...FACTS, state: 'vanished', touchesClaim: null },
      true,
    ],
    ['every condition must hold', { minImportance: 5, states: ['changed'], tags: ['oil'] }, FACTS, false],
  ] as const)('%s', (_name, filters, facts, expected) => {
    expect(acceptsAlert(filters as never, facts as AlertFacts)).toBe(expected);
  });
});

describe('retry back-off', () => {
  const policy: BackoffPolicy = { baseMs: 1000, factor: 2, capMs: 10_000, jitter: 0.2 };
  it.each([
    ['first failure waits the base', 1, 'transient', 0, 1000],
    ['second failure doubles it', 2, 'transient', 0, 2000],
    ['fourth failure', 4, 'transient', 0, 8000],
    ['the cap holds', 5, 'transient', 0, 10_000],
    ['far past the cap', 40, 'transient', 0, 10_000],
    ['full jitter takes at most the fraction off', 2, 'transient', 1, 1600],
    ['half jitter', 1, 'transient', 0.5, 900],
    ['a refusal waits the cap at once', 1, 'refused', 0, 10_000],
    ['a refusal is jittered too', 1, 'refused', 1, 8000],
  ] as const)('%s', (_name, attempt, kind, random, expected) => {
    expect(retryDelayMs(attempt, kind, policy, random)).toBe(expected);
  });

  it.each([
    [500, 'transient'],
    [503, 'transient'],
    [408, 'transient'],
    [429, 'transient'],
    [400, 'refused'],
    [401, 'refused'],
    [404, 'refused'],
    [301, 'transient'],
  ] as const)('HTTP %i is %s', (status, kind) => expect(httpFailureKind(status)).toBe(kind));

  it.each([
    [451, 'transient'],
    [421, 'transient'],
    [null, 'transient'],
    [550, 'refused'],
    [535, 'refused'],
  ] as const)('SMTP %s is %s', (code, kind) => expect(smtpFailureKind(code)).toBe(kind));
});

describe('idempotency keys', () => {
  it.each([
    [{ flagId: 3, sourceId: 9, state: 'changed', changeId: 41, sinceCaptureId: 100 }, 'flag-3-src-9-changed-change-41'],
    [{ flagId: 3, sourceId: 9, state: 'vanished', changeId: null, sinceCaptureId: 120 }, 'flag-3-src-9-vanished-since-120'],
    [{ flagId: 4, sourceId: 9, state: 'vanished', changeId: null, sinceCaptureId: 120 }, 'flag-4-src-9-vanished-since-120'],
  ])('names the episode: %j', (ref, key) => {
    expect(flagAlertKey(ref)).toBe(key);
    expect(flagAlertKey({ ...ref })).toBe(flagAlertKey(ref));
  });

  it('derives one Message-ID per key and channel', () => {
    expect(messageIdFor('desk', 'flag-3-src-9-changed-change-41')).toBe('<flag-3-src-9-changed-change-41.desk@citewatch.invalid>');
    expect(messageIdFor('desk', 'a')).not.toBe(messageIdFor('other', 'a'));
  });
});

const FLAG: FlagFacts = {
  flagId: 12,
  action: 'open',
  at: new Date('2026-03-04T05:06:07Z'),
  event: { id: 'reyes-shells', title: 'Reyes moved $4 million <via> Cyprus', date: '2026-02-01', importance: 8, tags: ['cyprus'] },
  source: {
    url: 'https://news.example.com/story',
    state: 'changed',
    reason: 'number',
    touchesClaim: { touches: true, terms: ['4 million', 'Reyes'] },
    change: {
      summary: 'a figure changed',
      removed: ['The weather was fine.', 'Reyes moved 4 million dollars through shells.'],
      added: ['Reyes moved 9 million dollars through shells.'],
    },
    lastGoodCapture: { id: 77, at: new Date('2026-03-01T00:00:00Z') },
    archiveUrl: 'https://web.archive.org/web/2026/https://news.example.com/story',
  },
};

describe('payload v1', () => {
  it('links everything to the public base URL when there is one', () => {
    const p = buildFlagPayload(FLAG, 'https://cw.example.org/');
    expect(p).toMatchObject({ version: 1, kind: 'flag', action: 'open', flagId: 12, raisedAt: '2026-03-04T05:06:07.000Z' });
    expect(p.event).toEqual({ ...FLAG.event, link: 'https://cw.example.org/events/reyes-shells' });
    expect(p.sources).toEqual([
      {
        url: 'https://news.example.com/story',
        state: 'changed',
        reason: 'number',
        touchesClaim: true,
        claimTerms: ['4 million', 'Reyes'],
        changeSummary: 'a figure changed',
        removed: ['Reyes moved 4 million dollars through shells.', 'The weather was fine.'],
        added: ['Reyes moved 9 million dollars through shells.'],
        lastGoodCapture: { id: 77, at: '2026-03-01T00:00:00.000Z', link: 'https://cw.example.org/captures/77' },
        archiveUrl: 'https://web.archive.org/web/2026/https://news.example.com/story',
      },
    ]);
    expect(p.resolve).toEqual({
      command: 'citewatch flags resolve reyes-shells --note "…"',
      reviewUrl: 'https://cw.example.org/events/reyes-shells',
    });
  });

  it('leaves links out without one, and quotes an event id the shell would split', () => {
    const p = buildFlagPayload({ ...FLAG, event: { ...FLAG.event, id: "it's 1" } }, undefined);
    expect(p.event.link).toBeNull();
    expect(p.sources[0].lastGoodCapture?.link).toBeNull();
    expect(p.resolve).toEqual({ command: `citewatch flags resolve 'it'\\''s 1' --note "…"`, reviewUrl: null });
  });

  it.each([
    ['claim passages first', ['a', 'Reyes b', 'c'], ['Reyes'], ['Reyes b', 'a', 'c']],
    ['at most three', ['a', 'b', 'c', 'd'], [], ['a', 'b', 'c']],
    ['quoted terms match without quotes', ['he said "no deal" today', 'x'], ['"no deal"'], ['he said "no deal" today', 'x']],
    ['long passages are cut', ['w '.repeat(200)], [], [`${'w '.repeat(120).slice(0, 239).trimEnd()}…`]],
  ])('%s', (_name, passages, terms, expected) => {
    expect(claimPassages(passages, terms)).toEqual(expected);
  });
});

describe('rendering', () => {
  const message = messageOf(buildFlagPayload(FLAG, 'https://cw.example.org'));
  it('says the same in text, HTML and Slack, escaping page text', () => {
    const text = plainText(message);
    expect(text).toContain('Event reyes-shells (2026-02-01, importance 8): Reyes moved $4 million <via> Cyprus');
    expect(text).toContain('  - Reyes moved 4 million dollars through shells.');
    expect(text).toContain('  + Reyes moved 9 million dollars through shells.');
    expect(text).toContain('citewatch flags resolve reyes-shells');
    const markup = html(message);
    expect(markup).toContain('Reyes moved $4 million &lt;via&gt; Cyprus');
    expect(markup).not.toContain('<via>');
    expect(markup).toContain('<a href="https://cw.example.org/events/reyes-shells">');
    const slack = slackBody(message);
    expect(slack.text).toBe('[citewatch] changed (number): Reyes moved $4 million &lt;via&gt; Cyprus');
    expect(JSON.stringify(slack.blocks)).toContain(
      '<https://news.example.com/story|source changed (number): https://news.example.com/story>',
    );
  });

  it('never links a URL that is not http(s)', () => {
    const hostile = buildFlagPayload({ ...FLAG, source: { ...FLAG.source, url: 'javascript:alert(1)' } }, undefined);
    expect(html(messageOf(hostile))).not.toContain('href="javascript');
  });
});

describe('digest periods', () => {
  const DAY = 86_400_000;
  const now = new Date('2026-03-10T00:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it.each([
    ['no cursor and nothing held: start the clock', null, null, 0, false, { action: 'start' }],
    ['period not over', ago(DAY - 1), null, 3, false, { action: 'wait' }],
    ['period over with alerts', ago(DAY), null, 3, false, { action: 'close', from: ago(DAY), send: true }],
    ['period over, empty', ago(2 * DAY), null, 0, false, { action: 'close', from: ago(2 * DAY), send: false }],
    ['period over, empty, asked anyway', ago(2 * DAY), null, 0, true, { action: 'close', from: ago(2 * DAY), send: true }],
    ['first period runs from the oldest held alert', null, ago(DAY + 5), 1, false, { action: 'close', from: ago(DAY + 5), send: true }],
    ['first period not over yet', null, ago(5), 1, false, { action: 'wait' }],
  ] as const)('%s', (_name, lastDigestAt, oldestHeldAt, held, sendEmptyDigest, expected) => {
    expect(decideDigest({ periodMs: DAY, lastDigestAt, oldestHeldAt, held, sendEmptyDigest, now })).toEqual(expected);
  });
});

describe('channel settings', () => {
  it('fills defaults and refuses two channels of one name', () => {
    const [hook] = channelsSchema.parse([{ name: 'desk', type: 'webhook', url: 'https://hooks.example.org/x' }]);
    expect(hook).toMatchObject({ delivery: 'immediate', format: 'citewatch', timeoutMs: 10_000, retryBaseMs: 30_000, filters: {} });
    const twice = channelsSchema.safeParse([
      { name: 'a', type: 'atom' },
      { name: 'a', type: 'atom' },
    ]);
    expect(twice.success).toBe(false);
  });
});
