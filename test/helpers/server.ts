import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config/loadConfig.js';
import type { Db } from '../../src/db/open.js';
import { settleSource } from '../../src/watch/settleSource.js';
import { addCapture, articleHtml, seedEvent, seedSource, type SeededSource } from './sourceHistory.js';

/** Signing in and posting forms through fastify's inject, as a browser would (cookies and CSRF tokens). */

export type Browser = { cookies: Record<string, string> };

export function cookieHeader(b: Browser): string {
  return Object.entries(b.cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** Keeps the cookies a response sets (and drops the ones it clears). */
export function keepCookies(b: Browser, setCookie: string | string[] | undefined): void {
  for (const line of [setCookie ?? []].flat()) {
    const [pair, ...attributes] = line.split(';');
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
    if (expired) delete b.cookies[name];
    else b.cookies[name] = value;
  }
}

/** The CSRF token of the first form on a page. */
export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

export async function get(app: FastifyInstance, b: Browser, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(b), accept: 'text/html' } });
  keepCookies(b, res.headers['set-cookie']);
  return res;
}

export async function post(app: FastifyInstance, b: Browser, url: string, form: Record<string, string>) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { cookie: cookieHeader(b), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
  keepCookies(b, res.headers['set-cookie']);
  return res;
}

/** A browser signed in as `name` (the sign-in form's own CSRF token included). */
export async function signIn(app: FastifyInstance, name: string, password: string): Promise<Browser & { status: number }> {
  const b: Browser = { cookies: {} };
  const form = await get(app, b, '/sign-in');
  const res = await post(app, b, '/sign-in', { name, password, next: '/', _csrf: csrfOf(form.body) });
  return { ...b, status: res.statusCode };
}

const DAY = 86_400_000;
export const day = (n: number) => new Date(Date.UTC(2026, 3, 1) + n * DAY);
const PARAGRAPHS = [
  'The regulator fined the bank {figure} euros for failing to report suspicious transfers made by companies linked to the former governor.',
  'Investigators found that the transfers continued for two years after the first internal warning was sent to the compliance department.',
  'The bank said it had strengthened its controls and replaced the managers responsible for the accounts in question.',
];
const bankArticle = (figure: string) =>
  articleHtml('Bank fined over suspicious transfers', [PARAGRAPHS[0].replace('{figure}', figure), ...PARAGRAPHS.slice(1)]);

/**
 * Two flagged events, as a crawl leaves them: `bank-fine` cites an article whose figure changed
 * (`figures`: before, after), `governor` cites the same article and a page that vanished (404 twice).
 */
export async function seedFlaggedWorld(
  db: Db,
  config: Config,
  {
    articleUrl = 'https://finance.example.com/2026/04/bank-fined',
    figures: [before, after] = ['120 million', '210 million'],
  }: { articleUrl?: string; figures?: [string, string] } = {},
): Promise<{ article: SeededSource; gone: SeededSource }> {
  await seedEvent(db, { id: 'bank-fine', title: `Regulator fined the bank ${before} euros`, importance: 9 });
  await seedEvent(db, { id: 'governor', title: 'Governor accounts frozen', importance: 4 });
  const article = await seedSource(db, articleUrl, ['bank-fine', 'governor']);
  const gone = await seedSource(db, 'https://wire.example.net/markets/2026/governor-accounts-frozen', ['governor']);
  for (const [n, figure] of [before, after].entries()) {
    await addCapture(db, article, { at: day(n), html: bankArticle(figure) });
    await settleSource(db, config, article.id);
  }
  for (const n of [0, 1, 2]) {
    await addCapture(db, gone, n === 0 ? { at: day(n), html: bankArticle(before) } : { at: day(n), status: 404 });
    await settleSource(db, config, gone.id);
  }
  return { article, gone };
}
