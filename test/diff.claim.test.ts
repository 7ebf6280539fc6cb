import { describe, expect, it } from 'vitest';
import { classifyChange } from '../src/diff/classifyChange.js';
import { touchesClaim } from '../src/diff/claim.js';

const claim = {
  title: 'Riverton council approves $400,000 harbor contract',
  description:
    'Council member Thomas Reyes sponsored the measure; Bluewater Environmental won the contract on March 5. He called it "the most important environmental vote" in a decade.',
};
const base = [
  'The council voted 7-2 to approve a $400,000 contract with Bluewater Environmental on March 5.',
  'Thomas Reyes said it was "the most important environmental vote" in a decade.',
  'Residents asked for monthly progress reports.',
].join('\n\n');

const table: { name: string; after: string; touches: boolean; first?: string }[] = [
  { name: 'the figure changed', after: base.replace('$400,000', '$200,000'), touches: true, first: '$400,000' },
  {
    name: 'the figure rewritten without separators stays the figure',
    after: base.replace('$400,000', '$1,400,000'),
    touches: true,
    first: '$400,000',
  },
  {
    name: 'the contractor renamed',
    after: base.replace('Bluewater Environmental', 'Greenway Partners'),
    touches: true,
    first: 'Bluewater Environmental',
  },
  { name: 'the date changed', after: base.replace('March 5', 'March 6'), touches: true, first: 'March 5' },
  {
    name: 'the quote removed',
    after: base
      .split('\n\n')
      .filter((p) => !p.includes('important'))
      .join('\n\n'),
    touches: true,
    first: '"the most important environmental vote"',
  },
  {
    name: 'an unrelated sentence edited',
    after: base.replace('monthly progress reports', 'weekly status updates on the website'),
    touches: false,
  },
  { name: 'an unrelated paragraph added', after: `${base}\n\nThe library will extend its hours during the summer months.`, touches: false },
];

describe('touchesClaim', () => {
  it.each(table)('$name → touches $touches', ({ after, touches, first }) => {
    const change = classifyChange(base, after);
    expect(change.classification).toBe('material');
    const result = touchesClaim(change, claim);
    expect(result.touches).toBe(touches);
    if (first) expect(result.terms[0]).toBe(first);
  });

  it('matches a figure however it is written, and not inside a larger one', () => {
    expect(touchesClaim({ removed: ['It cost 400 000 dollars.'], added: [] }, claim).terms).toContain('$400,000');
    expect(touchesClaim({ removed: ['It cost $1400000.'], added: [] }, claim).terms).not.toContain('$400,000');
  });
});
