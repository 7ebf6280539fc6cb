import { describe, expect, it } from 'vitest';
import {
  distinctMementos,
  httpDate,
  linkFormat,
  linkHeader,
  type Memento,
  type MementoUris,
  mementoLinks,
  mementoUris,
  navigationLinks,
  parseAcceptDatetime,
  timegateLinks,
  timemapJson,
  timemapLinks,
} from '../src/server/memento/links.js';

/** The RFC's examples fold lines and indent them for print: compare link-values without that whitespace. */
const unfold = (text: string) => text.replace(/("[^"]*")|\s+/g, (_m, quoted: string | undefined) => quoted ?? '');
const linkValues = (text: string) => unfold(text).split(/,(?=<)/);

/** RFC 7089's example archive: URI-Ms are /web/<14-digit>/<URI-R>. */
const rfcUris = (original: string): MementoUris => ({
  original,
  timegate: `http://arxiv.example.net/timegate/${original}`,
  timemap: () => `http://arxiv.example.net/timemap/${original}`,
  memento: (at) => `http://arxiv.example.net/web/${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}/${original}`,
});
const at = (text: string): Memento => ({ captureId: Date.parse(text) / 1000, at: new Date(text) });

describe('Memento headers and TimeMaps, against RFC 7089’s examples', () => {
  it('writes datetimes as RFC 1123 in GMT (§2.1.1), and reads back only that form', () => {
    expect(httpDate(new Date('2001-09-11T20:36:10Z'))).toBe('Tue, 11 Sep 2001 20:36:10 GMT');
    expect(httpDate(new Date('2000-06-20T18:02:59Z'))).toBe('Tue, 20 Jun 2000 18:02:59 GMT');
    const cases: [string, string | null][] = [
      ['Tue, 11 Sep 2001 20:35:00 GMT', '2001-09-11T20:35:00.000Z'],
      ['  Tue, 20 Mar 2001 20:35:00 GMT ', '2001-03-20T20:35:00.000Z'],
      ['Mon, 11 Sep 2001 20:35:00 GMT', '2001-09-11T20:35:00.000Z'], // a wrong weekday is forgiven
      ['Tue, 31 Feb 2001 20:35:00 GMT', null],
      ['Tue, 11 Sep 2001 20:35:00 UTC', null],
      ['Tue, 11 Sep 2001 20:35 GMT', null],
      ['2001-09-11T20:35:00Z', null],
      ['tue, 11 sep 2001 20:35:00 gmt', null],
      ['', null],
    ];
    expect(cases.map(([text]) => parseAcceptDatetime(text)?.toISOString() ?? null)).toEqual(cases.map(([, want]) => want));
  });

  it('gives the TimeGate’s 302 the Link of §4.2.1 (original, timemap with from/until), byte for byte', () => {
    const rfc = `<http://a.example.org/>; rel="original",
 <http://arxiv.example.net/timemap/http://a.example.org/>
   ; rel="timemap"; type="application/link-format"
   ; from="Tue, 15 Sep 2000 11:28:26 GMT"
   ; until="Wed, 20 Jan 2010 09:34:33 GMT"`;
    const mementos = [at('2000-09-15T11:28:26Z'), at('2001-09-11T20:36:10Z'), at('2010-01-20T09:34:33Z')];
    const links = timegateLinks(rfcUris('http://a.example.org/'), mementos, mementos[1]);
    expect(linkHeader(links.slice(0, 2))).toBe(
      '<http://a.example.org/>; rel="original", <http://arxiv.example.net/timemap/http://a.example.org/>; rel="timemap"; type="application/link-format"; from="Fri, 15 Sep 2000 11:28:26 GMT"; until="Wed, 20 Jan 2010 09:34:33 GMT"',
    );
    // The RFC's example calls 15 Sep 2000 a Tuesday; it was a Friday, and a real date says so.
    expect(unfold(linkHeader(links.slice(0, 2)))).toBe(unfold(rfc.replace('Tue, 15 Sep 2000', 'Fri, 15 Sep 2000')));
    expect(parseAcceptDatetime('Tue, 15 Sep 2000 11:28:26 GMT')).toEqual(mementos[0].at);
    expect(rfcUris('http://a.example.org/').memento(mementos[1].at)).toBe(
      'http://arxiv.example.net/web/20010911203610/http://a.example.org/',
    );
  });

  it('gives a memento the Link of §4.2.1 (original, timemap, timegate), then its neighbours', () => {
    const rfc = `<http://a.example.org/>; rel="original",
 <http://arxiv.example.net/timemap/http://a.example.org/>
   ; rel="timemap"; type="application/link-format",
 <http://arxiv.example.net/timegate/http://a.example.org/>
   ; rel="timegate"`;
    const mementos = [at('2000-09-15T11:28:26Z'), at('2001-09-11T20:36:10Z'), at('2010-01-20T09:34:33Z')];
    const links = mementoLinks(rfcUris('http://a.example.org/'), mementos, mementos[1]);
    expect(unfold(linkHeader(links.slice(0, 3)))).toBe(unfold(rfc));
    expect(links.slice(3).map((l) => l.rel)).toEqual(['first prev memento', 'memento', 'last next memento']);
  });

  it('builds the TimeMap of §5.1.1: every link-value as the RFC writes it', () => {
    const rfc = `<http://a.example.org>;rel="original",
<http://arxiv.example.net/timemap/http://a.example.org>
  ; rel="self";type="application/link-format"
  ; from="Tue, 20 Jun 2000 18:02:59 GMT"
  ; until="Wed, 09 Apr 2008 20:30:51 GMT",
<http://arxiv.example.net/timegate/http://a.example.org>
  ; rel="timegate",
<http://arxiv.example.net/web/20000620180259/http://a.example.org>
  ; rel="first memento";datetime="Tue, 20 Jun 2000 18:02:59 GMT"
  ; license="http://creativecommons.org/publicdomain/zero/1.0/",
<http://arxiv.example.net/web/20091027204954/http://a.example.org>
   ; rel="last memento";datetime="Tue, 27 Oct 2009 20:49:54 GMT"
   ; license="http://creativecommons.org/publicdomain/zero/1.0/",
<http://arxiv.example.net/web/20000621011731/http://a.example.org>
  ; rel="memento";datetime="Wed, 21 Jun 2000 01:17:31 GMT"
  ; license="http://creativecommons.org/publicdomain/zero/1.0/",
<http://arxiv.example.net/web/20000621044156/http://a.example.org>
  ; rel="memento";datetime="Wed, 21 Jun 2000 04:41:56 GMT"
  ; license="http://creativecommons.org/publicdomain/zero/1.0/"`;
    // citewatch states no license; the RFC's example does, on each memento.
    const expected = new Set(linkValues(rfc).map((v) => v.replace(/;license="[^"]*"/, '')));
    const uris = rfcUris('http://a.example.org');
    const mementos = ['2000-06-20T18:02:59Z', '2000-06-21T01:17:31Z', '2000-06-21T04:41:56Z', '2009-10-27T20:49:54Z'].map(at);
    const built = linkValues(linkFormat(timemapLinks(uris, mementos)));
    // The example's "until" is the end of a longer list than it prints (its last memento is later):
    // self is checked against a TimeMap that ends at that time.
    const self = linkValues(linkFormat(timemapLinks(uris, [mementos[0], at('2008-04-09T20:30:51Z')])))[1];
    expect(self).toBe([...expected][1]);
    expect(built.filter((v) => !expected.has(v))).toEqual([built[1]]);
    expect(built).toHaveLength(7);
    expect(linkFormat(timemapLinks(uris, mementos))).toMatch(
      /^<http:\/\/a\.example\.org>; rel="original",\n<[^\n]+; rel="self"; type="application\/link-format"; from=/,
    );
  });

  it('names each neighbour once, with all its roles (§2.2.1.4), also for a single memento', () => {
    const uris = mementoUris('https://cw.example', 'https://a.example/');
    const [a, b, c, d] = ['2025-01-01T10:00:00Z', '2025-01-02T10:00:00Z', '2025-01-03T10:00:00Z', '2025-01-04T10:00:00Z'].map(at);
    const rels = (list: Memento[], selected: Memento) => navigationLinks(uris, list, selected).map((l) => l.rel);
    expect(rels([a], a)).toEqual(['first last memento']);
    expect(rels([a, b, c, d], a)).toEqual(['first memento', 'next memento', 'last memento']);
    expect(rels([a, b, c, d], c)).toEqual(['first memento', 'prev memento', 'memento', 'last next memento']);
    expect(rels([a, b, c, d], d)).toEqual(['first memento', 'prev memento', 'last memento']);
    expect(navigationLinks(uris, [a, b], b)[0]).toEqual({
      uri: 'https://cw.example/memento/20250101100000/https://a.example/',
      rel: 'first prev memento',
      params: [['datetime', 'Wed, 01 Jan 2025 10:00:00 GMT']],
    });
  });

  it('keeps one memento per second, the last captured, oldest first: a URI-M names one memento', () => {
    const m = (captureId: number, iso: string): Memento => ({ captureId, at: new Date(iso) });
    expect(
      distinctMementos([m(3, '2025-01-02T00:00:00.900Z'), m(1, '2025-01-01T00:00:00Z'), m(2, '2025-01-02T00:00:00.100Z')]).map(
        (x) => x.captureId,
      ),
    ).toEqual([1, 3]);
  });

  it('writes the JSON TimeMap in the shape Memento tools read', () => {
    const uris = mementoUris('https://cw.example', 'https://a.example/');
    const json = timemapJson(uris, [at('2025-01-01T10:00:00Z'), at('2025-01-02T10:00:00Z')]);
    expect(json).toEqual({
      original_uri: 'https://a.example/',
      timegate_uri: 'https://cw.example/memento/timegate/https://a.example/',
      timemap_uri: {
        link_format: 'https://cw.example/memento/timemap/link/https://a.example/',
        json_format: 'https://cw.example/memento/timemap/json/https://a.example/',
      },
      mementos: {
        list: [
          { datetime: '2025-01-01T10:00:00Z', uri: 'https://cw.example/memento/20250101100000/https://a.example/' },
          { datetime: '2025-01-02T10:00:00Z', uri: 'https://cw.example/memento/20250102100000/https://a.example/' },
        ],
        first: { datetime: '2025-01-01T10:00:00Z', uri: 'https://cw.example/memento/20250101100000/https://a.example/' },
        last: { datetime: '2025-01-02T10:00:00Z', uri: 'https://cw.example/memento/20250102100000/https://a.example/' },
      },
    });
  });
});
