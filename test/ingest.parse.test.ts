import { describe, expect, it } from 'vitest';
import { parseTimelineFile } from '../src/ingest/parseFile.js';
import { MAX_CITATIONS_PER_EVENT } from '../src/ingest/toEvent.js';

const md = (frontMatter: string, body = '') => `---\n${frontMatter.trim()}\n---\n${body}`;

describe('parseTimelineFile: formats and field shapes', () => {
  it('reads Markdown front matter with the body as description', () => {
    const { events, rejections } = parseTimelineFile(
      '/t/a.md',
      md(
        `
id: e1
date: 2020-01-02
title: 'A title'
importance: 7
status: confirmed
tags: [x, y]
actors:
- Someone
sources:
- title: T1
  outlet: Outlet One
  url: https://example.com/1
  date: '2020-01-01'
  type: news
`,
        '\nThe body.\n',
      ),
    );
    expect(rejections).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: 'e1',
      date: '2020-01-02',
      title: 'A title',
      importance: 7,
      status: 'confirmed',
      description: 'The body.',
      tags: ['x', 'y'],
      actors: ['Someone'],
      file: '/t/a.md',
      citationsGiven: 1,
    });
    expect(events[0].citations).toEqual([
      {
        url: 'https://example.com/1',
        normalizedUrl: 'https://example.com/1',
        host: 'example.com',
        position: 0,
        title: 'T1',
        outlet: 'Outlet One',
        date: '2020-01-01',
        tier: null,
        archiveUrl: null,
        extra: { type: 'news' },
      },
    ]);
  });

  it('reads JSON with `summary` and `publisher`, and hashes it like the same event in Markdown', () => {
    const json = JSON.stringify({
      id: 'e1',
      title: 'T',
      date: '2020-01-01',
      importance: 5,
      summary: 'Said.',
      tags: [],
      actors: [],
      sources: [{ url: 'https://a.example/x', title: 'S', publisher: 'Pub', tier: 1 }],
    });
    const fromJson = parseTimelineFile('/t/e1.json', json).events[0];
    const fromMd = parseTimelineFile(
      '/t/e1.md',
      md(
        `
id: e1
title: T
date: '2020-01-01'
importance: 5
tags: []
actors: []
sources:
- tier: 1
  publisher: Pub
  title: S
  url: https://a.example/x
`,
        'Said.',
      ),
    ).events[0];
    expect(fromJson).toMatchObject({ description: 'Said.', citations: [{ outlet: 'Pub', tier: 1, extra: {} }] });
    expect(fromJson.contentHash).toBe(fromMd.contentHash);
  });

  it('keeps a front-matter description and the body, in that order', () => {
    const e = parseTimelineFile('/t/a.md', md('id: e\ntitle: T\ndescription: Lead.', 'Body.')).events[0];
    expect(e.description).toBe('Lead.\n\nBody.');
  });

  it.each([
    ['outlet', { outlet: 'O' }, { outlet: 'O' }, {}],
    ['publisher', { publisher: 'P' }, { outlet: 'P' }, {}],
    ['publication', { publication: 'Q' }, { outlet: 'Q' }, {}],
    ['outlet wins over publisher, publisher kept in extra', { outlet: 'O', publisher: 'P' }, { outlet: 'O' }, { publisher: 'P' }],
    ['date_published', { date_published: '2021' }, { date: '2021' }, {}],
    ['archive_url', { archive_url: 'https://web.archive.org/x' }, { archiveUrl: 'https://web.archive.org/x' }, {}],
    ['archived', { archived: 'https://web.archive.org/y' }, { archiveUrl: 'https://web.archive.org/y' }, {}],
    ['null archive_url', { archive_url: null }, { archiveUrl: null }, {}],
    ['tier as text', { tier: '2' }, { tier: 2 }, {}],
    ['unusable tier kept in extra', { tier: 'high' }, { tier: null }, { tier: 'high' }],
    ['other fields in extra', { verified: true, key_facts_confirmed: ['a'] }, {}, { verified: true, key_facts_confirmed: ['a'] }],
  ])('citation shape: %s', (_, fields, expected, extra) => {
    const json = JSON.stringify({ id: 'e', title: 'T', sources: [{ url: 'https://example.com/', title: 'S', ...fields }] });
    const [c] = parseTimelineFile('/t/e.json', json).events[0].citations;
    expect(c).toMatchObject({ ...expected, extra });
  });

  it('accepts a citation given as a bare URL string', () => {
    const e = parseTimelineFile('/t/e.yaml', 'id: e\ntitle: T\nsources:\n- https://example.com/z\n').events[0];
    expect(e.citations.map((c) => c.url)).toEqual(['https://example.com/z']);
  });

  it('reads a YAML or JSON list of events', () => {
    expect(parseTimelineFile('/t/list.yml', '- {id: a, title: A}\n- {id: b, title: B}\n').events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(parseTimelineFile('/t/list.json', '[{"id":"a","title":"A"},{"id":"b","title":"B"}]').events.map((e) => e.id)).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps different key orders in a citation from changing the hash', () => {
    const a = parseTimelineFile('/t/a.json', '{"id":"e","title":"T","sources":[{"url":"https://x.example/","type":"a","note":"b"}]}')
      .events[0];
    const b = parseTimelineFile('/t/b.json', '{"title":"T","id":"e","sources":[{"note":"b","type":"a","url":"https://x.example/"}]}')
      .events[0];
    expect(a.contentHash).toBe(b.contentHash);
  });
});

describe('parseTimelineFile: bad input is reported with file, line and reason', () => {
  const badSources = md(`
id: e1
title: T
sources:
- title: No URL
  url: ''
- title: Null URL
  url: null
- title: Outlet as URL
  url: Bloomberg
- title: No scheme
  url: www.example.com/a
- title: FTP
  url: ftp://example.com/a
- title: Broken
  url: 'https://exa mple.com/'
- title: Good
  url: https://example.com/a?utm_source=x
- title: Good again
  url: https://example.com/a
`);

  it('rejects each unusable citation, keeps the event and the good ones', () => {
    const { events, rejections } = parseTimelineFile('/t/bad.md', badSources);
    expect(events[0].citations.map((c) => c.url)).toEqual(['https://example.com/a?utm_source=x']);
    expect(events[0].citations[0].position).toBe(6);
    expect(events[0].citationsGiven).toBe(8);
    expect(rejections.map((r) => [r.kind, r.line, r.field, r.eventId, r.file])).toEqual([
      ['missing-url', 5, 'sources[0].url', 'e1', '/t/bad.md'],
      ['missing-url', 7, 'sources[1].url', 'e1', '/t/bad.md'],
      ['not-a-url', 9, 'sources[2].url', 'e1', '/t/bad.md'],
      ['no-scheme', 11, 'sources[3].url', 'e1', '/t/bad.md'],
      ['unsupported-scheme', 13, 'sources[4].url', 'e1', '/t/bad.md'],
      ['invalid-url', 15, 'sources[5].url', 'e1', '/t/bad.md'],
      ['duplicate-citation', 19, 'sources[7]', 'e1', '/t/bad.md'],
    ]);
    expect(rejections[2].reason).toContain('Bloomberg');
  });

  it.each([
    ['/t/x.md', 'no front matter here', 'parse-error', 1, /front matter/],
    ['/t/x.md', '---\nid: e\ntitle: T\n', 'parse-error', 1, /front matter/],
    ['/t/x.md', '---\nid: e\ntitle: [unclosed\n---\n', 'parse-error', 3, /invalid YAML/],
    ['/t/x.md', '---\n- a\n- b\n---\n', 'parse-error', 2, /not a mapping/],
    ['/t/x.json', '{\n  "id": "e",\n  "title": "T",\n}', 'parse-error', 4, /invalid JSON/],
    ['/t/x.json', '"just a string"', 'parse-error', 1, /not an event/],
    ['/t/x.yaml', 'id: e\ntitle: a\ntitle: b\n', 'parse-error', 3, /invalid YAML: Map keys must be unique/],
    ['/t/x.txt', 'id: e', 'unreadable-file', undefined, /not a timeline file/],
    ['/t/x.md', md('title: Nameless\ndate: 2020-01-01'), 'missing-id', 2, /"Nameless" has no id/],
    ['/t/x.md', md('id: e9\ndate: 2020-01-01'), 'missing-field', 2, /e9 has no title/],
  ])('%s %j → %s at line %s', (file, text, kind, line, reason) => {
    const { events, rejections } = parseTimelineFile(file, text);
    expect(events).toEqual([]);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ kind, file, ...(line ? { line } : {}) });
    expect(rejections[0].reason).toMatch(reason);
  });

  it('keeps an event whose importance is unusable, without it', () => {
    const { events, rejections } = parseTimelineFile('/t/x.md', md('id: e\ntitle: T\nimportance: high'));
    expect(events[0].importance).toBeNull();
    expect(rejections).toMatchObject([{ kind: 'invalid-field', field: 'importance', line: 4 }]);
  });

  it('finds lines in JSON files too', () => {
    const json = '{\n  "id": "e",\n  "title": "T",\n  "sources": [\n    {"url": "https://ok.example/"},\n    {"url": "Reuters"}\n  ]\n}';
    expect(parseTimelineFile('/t/x.json', json).rejections).toMatchObject([{ kind: 'not-a-url', line: 6 }]);
  });
});

/** The billion laughs: each level doubles the one below, by alias; toJS would build 2^20 strings. */
const aliasBomb = [
  'a: &a [lol, lol]',
  ...Array.from(
    { length: 20 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
  ),
].join('\n');

describe('parseTimelineFile: hostile input is a rejection of its file, never a throw', () => {
  it.each([
    ['/t/bomb.yaml', `id: e\ntitle: T\n${aliasBomb}\n`, /invalid YAML: Excessive alias count/],
    ['/t/bomb.md', md(`id: e\ntitle: T\n${aliasBomb}`), /invalid YAML: Excessive alias count/],
    [
      '/t/deep.json',
      `{"id": "e", "title": "T", "sources": [{"url": "https://a.example/", "x": ${'['.repeat(200_000)}${']'.repeat(200_000)}}]}`,
      /cannot parse the file/,
    ],
  ])('%s', (file, text, reason) => {
    const { events, rejections } = parseTimelineFile(file, text);
    expect(events).toEqual([]);
    expect(rejections).toMatchObject([{ kind: 'parse-error', file }]);
    expect(rejections[0].reason).toMatch(reason);
  });

  it(`reads the first ${MAX_CITATIONS_PER_EVENT} sources of an event and rejects the rest, naming the file`, () => {
    const sources = Array.from({ length: 100_000 }, (_, i) => `https://many.example/${i}`);
    const { events, rejections } = parseTimelineFile('/t/many.json', JSON.stringify({ id: 'e', title: 'T', sources }));
    expect(events[0].citations).toHaveLength(MAX_CITATIONS_PER_EVENT);
    expect(events[0].citationsGiven).toBe(MAX_CITATIONS_PER_EVENT);
    expect(rejections).toMatchObject([{ kind: 'invalid-field', field: 'sources', file: '/t/many.json', eventId: 'e' }]);
    expect(rejections[0].reason).toContain('lists 100000 sources');
  });

  it('keeps prototype keys as plain own fields and pollutes nothing', () => {
    const text = md(
      'id: e\ntitle: T\n__proto__: {polluted: yes}\nconstructor: c\nsources:\n- url: https://a.example/\n  __proto__: {polluted: yes}\n  constructor: x\n  toString: 5',
    );
    const { events, rejections } = parseTimelineFile('/t/proto.md', text);
    expect(rejections).toEqual([]);
    expect(Object.keys(events[0].citations[0].extra)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const onlyInProto = parseTimelineFile('/t/proto.json', '{"__proto__": {"id": "e", "title": "T"}}');
    expect(onlyInProto.rejections).toMatchObject([{ kind: 'missing-id', file: '/t/proto.json' }]);
  });
});
