import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Article, type SimWeb, startSimWeb } from '../../src/simweb/index.js';

/**
 * The alert tests' story on the simulated web. In round 1, news.example/story corrects the amount
 * moved (4 → 9 million) and wire.example/gone answers 404. Two events cite them: `shells` (importance
 * 8) the story, `loan` (importance 3) the story and the wire, so round 1 opens three flag episodes.
 */
export const PARAGRAPHS = [
  'Finance minister Alma Reyes moved 4 million dollars through three shell companies registered in Cyprus, according to bank records reviewed by reporters this week.',
  'The transfers took place between March and June, when the ministry was negotiating a loan with a consortium of foreign lenders led by Northbank.',
  'Reyes denied wrongdoing in a statement and said every transfer had been approved by the parliamentary budget committee at the time.',
];
const story = (paragraphs: string[]): Article => ({
  headline: 'Minister moved millions through Cyprus shells',
  byline: 'A. Writer',
  published: '2026-03-01',
  paragraphs,
});
const article = (paragraphs: string[]) => ({ kind: 'article' as const, template: 'news' as const, article: story(paragraphs) });

export function startRoundStoryWeb(): Promise<SimWeb> {
  return startSimWeb({
    hosts: {
      'news.example': {
        pages: {
          '/story': {
            kind: 'rounds',
            rounds: [article(PARAGRAPHS), article([PARAGRAPHS[0].replace('4 million', '9 million'), ...PARAGRAPHS.slice(1)])],
          },
        },
      },
      'wire.example': { pages: { '/gone': { kind: 'rounds', rounds: [article(PARAGRAPHS.slice(1)), { kind: 'status', status: 404 }] } } },
    },
  });
}

/** The two events as timeline files in `dir`; answers their paths. */
export function writeRoundStoryEvents(dir: string, web: SimWeb): string[] {
  const event = (id: string, title: string, importance: number, urls: string[]) =>
    `---\nid: ${id}\ntitle: ${title}\ndate: 2026-03-01\nimportance: ${importance}\nsources:\n${urls.map((u) => `- url: ${u}\n`).join('')}---\n${title}.\n`;
  const files = [
    ['shells.md', event('shells', 'Reyes moved $4 million through Cyprus shell companies', 8, [web.url('news.example', '/story')])],
    [
      'loan.md',
      event('loan', 'Ministry negotiated a loan with Northbank', 3, [web.url('news.example', '/story'), web.url('wire.example', '/gone')]),
    ],
  ];
  return files.map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  });
}
