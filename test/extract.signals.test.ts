import { describe, expect, it } from 'vitest';
import { extractContent } from '../src/extract/index.js';
import type { Signals } from '../src/extract/types.js';
import { SIGNAL_PAGES } from './fixtures/pages/signalPages.js';

const FLAGS: (keyof Omit<Signals, 'wordCount'>)[] = ['errorPage', 'parked', 'botChallenge', 'paywall', 'scriptShell'];

describe('page signals', () => {
  it.each(SIGNAL_PAGES)('$name raises $signal and nothing else', async ({ html, signal }) => {
    const { signals } = await extractContent({ body: new TextEncoder().encode(html), contentType: 'text/html', url: 'http://127.0.0.1/p' });
    const raised = FLAGS.filter((f) => signals[f]);
    expect(raised).toEqual(signal ? [signal] : []);
  });
});
