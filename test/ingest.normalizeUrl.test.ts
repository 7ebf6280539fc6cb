import { describe, expect, it } from 'vitest';
import { normalizeUrl } from '../src/ingest/normalizeUrl.js';

describe('normalizeUrl', () => {
  it.each([
    // [as cited, normalized, host]
    ['https://www.example.com/a/b', 'https://www.example.com/a/b', 'www.example.com'],
    ['HTTPS://WWW.Example.COM/Path/Case', 'https://www.example.com/Path/Case', 'www.example.com'],
    ['http://example.com:80/x', 'http://example.com/x', 'example.com'],
    ['https://example.com:443/x', 'https://example.com/x', 'example.com'],
    ['https://example.com:8443/x', 'https://example.com:8443/x', 'example.com:8443'],
    ['http://example.com:443/x', 'http://example.com:443/x', 'example.com:443'],
    ['https://example.com/x#section-2', 'https://example.com/x', 'example.com'],
    ['https://example.com/x?utm_source=tw&utm_medium=social&id=7', 'https://example.com/x?id=7', 'example.com'],
    ['https://example.com/x?id=7&UTM_Campaign=a', 'https://example.com/x?id=7', 'example.com'],
    ['https://example.com/x?fbclid=abc', 'https://example.com/x', 'example.com'],
    ['https://example.com/x?gclid=1&b=2&msclkid=3&a=1', 'https://example.com/x?b=2&a=1', 'example.com'],
    ['https://example.com/x?mc_cid=1&mc_eid=2&igshid=3&_ga=4', 'https://example.com/x', 'example.com'],
    ['https://example.com/x?gaa_at=eafs&gaa_n=A&gaa_ts=1&gaa_sig=z', 'https://example.com/x', 'example.com'],
    ['https://example.com/x?', 'https://example.com/x', 'example.com'],
    ['https://example.com', 'https://example.com/', 'example.com'],
    ['  https://example.com/x  ', 'https://example.com/x', 'example.com'],
    ['https://example.com./x', 'https://example.com/x', 'example.com'],
    ['https://user:secret@example.com/x', 'https://example.com/x', 'example.com'],
    // Kept on purpose: servers may treat these apart.
    ['https://example.com/x/', 'https://example.com/x/', 'example.com'],
    ['https://example.com/x?b=2&a=1', 'https://example.com/x?b=2&a=1', 'example.com'],
    ['https://example.com/x?ref=home', 'https://example.com/x?ref=home', 'example.com'],
    ['https://example.com/search?q=a%20b&page=2', 'https://example.com/search?q=a%20b&page=2', 'example.com'],
    ['https://bücher.example/x', 'https://xn--bcher-kva.example/x', 'xn--bcher-kva.example'],
  ])('%s → %s', (raw, url, host) => {
    expect(normalizeUrl(raw)).toEqual({ ok: true, url, host });
  });

  it.each([
    ['', 'missing-url'],
    ['   ', 'missing-url'],
    ['Bloomberg', 'not-a-url'],
    ['IMF Press Release', 'not-a-url'],
    ['Reuters: markets', 'not-a-url'],
    ['www.nytimes.com/2020/01/01/x.html', 'no-scheme'],
    ['example.com', 'no-scheme'],
    ['example.com:8080/x', 'no-scheme'],
    ['//cdn.example.com/x', 'no-scheme'],
    ['ftp://example.com/file', 'unsupported-scheme'],
    ['mailto:someone@example.com', 'unsupported-scheme'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['file:///etc/passwd', 'unsupported-scheme'],
    ['http://', 'invalid-url'],
    ['https://exa mple.com/', 'invalid-url'],
  ])('rejects %j as %s', (raw, kind) => {
    const result = normalizeUrl(raw);
    expect(result).toMatchObject({ ok: false, kind });
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
  });

  it('gives one URL for every spelling of one page', () => {
    const spellings = ['HTTP://Example.com:80/a?utm_source=x#top', 'http://example.com/a', 'http://EXAMPLE.COM/a?fbclid=1'];
    expect(new Set(spellings.map((s) => (normalizeUrl(s) as { url: string }).url)).size).toBe(1);
  });
});
