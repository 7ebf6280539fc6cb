import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { collectUrls, rewriteHtml, type ReplayTarget } from '../src/server/replay/rewriteHtml.js';

const PAGE = 'https://news.example/2024/story.html';
const ARCHIVED = new Set(['https://news.example/2024/other.html', 'https://cdn.example/photo.jpg', 'https://news.example/style.css']);
const target: ReplayTarget = (url, use) => (ARCHIVED.has(url) ? `/replay/20250101100000${use === 'resource' ? 'id_' : ''}/${url}` : null);
const rewrite = (body: string) =>
  parseHTML(rewriteHtml(`<!doctype html><html><head></head><body>${body}</body></html>`, PAGE, target)).document;

describe('rewriting an archived page for replay (pure)', () => {
  it('points links and subresources the archive holds into it, and drops every other', () => {
    const cases: [string, string, string, string | null][] = [
      // markup, selector, attribute, expected value (null: dropped)
      ['<a href="other.html">x</a>', 'a', 'href', '/replay/20250101100000/https://news.example/2024/other.html'],
      ['<a href="https://live.example/">x</a>', 'a', 'href', null],
      ['<a href="javascript:alert(1)">x</a>', 'a', 'href', null],
      ['<a href="#section">x</a>', 'a', 'href', '#section'],
      ['<img src="//cdn.example/photo.jpg">', 'img', 'src', '/replay/20250101100000id_/https://cdn.example/photo.jpg'],
      ['<img src="https://tracker.example/p.gif">', 'img', 'src', null],
      ['<img src="data:image/png;base64,AAAA">', 'img', 'src', 'data:image/png;base64,AAAA'],
      [
        '<img srcset="https://cdn.example/photo.jpg 1x, https://live.example/2x.jpg 2x">',
        'img',
        'srcset',
        '/replay/20250101100000id_/https://cdn.example/photo.jpg 1x',
      ],
      ['<link rel="stylesheet" href="/style.css">', 'link', 'href', '/replay/20250101100000id_/https://news.example/style.css'],
      ['<link rel="preconnect" href="https://live.example">', 'link', 'href', null],
      ['<iframe src="https://live.example/embed"></iframe>', 'iframe', 'src', null],
      ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', 'iframe', 'srcdoc', null],
      ['<video poster="https://live.example/p.jpg" src="https://live.example/v.mp4"></video>', 'video', 'poster', null],
      ['<form action="https://live.example/post"><input></form>', 'form', 'action', null],
      ['<div onclick="steal()" style="background:url(https://live.example/bg.png)">x</div>', 'div', 'onclick', null],
      [
        '<div style="background:url(&quot;https://cdn.example/photo.jpg&quot;)">x</div>',
        'div',
        'style',
        'background:url("/replay/20250101100000id_/https://cdn.example/photo.jpg")',
      ],
      ['<div style="background:url(https://live.example/bg.png)">x</div>', 'div', 'style', 'background:url("")'],
      ['<a href="https://live.example/" ping="https://live.example/ping">x</a>', 'a', 'ping', null],
    ];
    const got = cases.map(([markup, selector, attribute]) => rewrite(markup).querySelector(selector)?.getAttribute(attribute) ?? null);
    expect(got).toEqual(cases.map(([, , , want]) => want));
  });

  it('sends a click on an archived link to the top frame, and removes what could run or navigate', () => {
    const doc = rewrite(
      '<a href="other.html">x</a><script>alert(1)</script><object data="x.swf"></object><embed src="x.swf"><meta http-equiv="refresh" content="0;url=https://live.example/">',
    );
    expect([doc.querySelector('a')?.getAttribute('target'), doc.querySelector('a')?.getAttribute('rel')]).toEqual([
      '_top',
      'noopener noreferrer',
    ]);
    expect(doc.querySelectorAll('script, object, embed, meta[http-equiv]').length).toBe(0);
  });

  it('rewrites @import and url() inside <style>, and resolves against <base> (then drops it)', () => {
    const html = `<html><head><base href="https://news.example/2024/"><style>@import "https://live.example/a.css"; p { background: url('other.html') } h1 { background: url(/style.css) }</style></head><body><a href="other.html">x</a></body></html>`;
    const doc = parseHTML(rewriteHtml(html, 'https://news.example/elsewhere/page', target)).document;
    const css = doc.querySelector('style')?.textContent ?? '';
    expect(css).not.toContain('live.example');
    expect(css).toContain('url("/replay/20250101100000id_/https://news.example/style.css")');
    expect(doc.querySelector('base')).toBeNull();
    expect(doc.querySelector('a')?.getAttribute('href')).toBe('/replay/20250101100000/https://news.example/2024/other.html');
  });

  it('collects every absolute http(s) URL the page names, once, without fragments', () => {
    const html = `<a href="other.html#top">a</a><a href="other.html">b</a><img src="//cdn.example/photo.jpg"><a href="mailto:x@y">m</a><div style="background:url(/bg.png)"></div>`;
    expect(collectUrls(html, PAGE).sort()).toEqual([
      'https://cdn.example/photo.jpg',
      'https://news.example/2024/other.html',
      'https://news.example/bg.png',
    ]);
  });

  it('keeps the text of the page and a fragment without <html>', () => {
    const out = rewriteHtml('<p>Only a paragraph with <a href="https://live.example/">a link</a>.</p>', PAGE, target);
    expect(out).toContain('<p>Only a paragraph with <a>a link</a>.</p>');
  });
});
