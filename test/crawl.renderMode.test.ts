import { describe, expect, it } from 'vitest';
import { nextRenderMode, renderEvidence, type RenderEvidence, type RenderMode } from '../src/crawl/renderMode.js';

describe('renderEvidence: what one page says about its host', () => {
  it.each([
    [{ fetched: true, rendered: true, renderHelped: true, shell: true }, 'helped'],
    [{ fetched: true, rendered: true, renderHelped: false, shell: true }, 'plain'], // a short story beside a large JSON state
    [{ fetched: true, rendered: false, renderHelped: false, shell: false }, 'plain'],
    [{ fetched: true, rendered: false, renderHelped: false, shell: true }, null], // a shell whose render failed
    [{ fetched: false, rendered: false, renderHelped: false, shell: false }, null], // an error
  ] as const)('%o: %s', (page, evidence) => {
    expect(renderEvidence(page)).toBe(evidence);
  });
});

describe('nextRenderMode: the majority of the pass so far decides, both ways', () => {
  const run = (start: RenderMode, pages: RenderEvidence[]) => {
    let state = { mode: start, tally: { helped: 0, plain: 0 } };
    const modes: RenderMode[] = [];
    for (const e of pages) modes.push((state = nextRenderMode(state.mode, state.tally, e)).mode);
    return modes;
  };
  it.each([
    [
      'a wholly script-built host goes to the browser at its first page',
      'http',
      ['helped', 'helped', 'helped'],
      ['browser', 'browser', 'browser'],
    ],
    ['a host of articles stays on HTTP', 'http', ['plain', 'plain'], ['http', 'http']],
    [
      'one app page among articles does not send the host to the browser',
      'http',
      ['plain', 'helped', 'plain', 'plain'],
      ['http', 'http', 'http', 'http'],
    ],
    ['a tie keeps the mode the host has', 'browser', ['helped', 'plain'], ['browser', 'browser']],
    [
      'a host sent to the browser by one page comes back when the next pages read the same',
      'http',
      ['helped', 'plain', 'plain'],
      ['browser', 'browser', 'http'],
    ],
    ['a host remembered as needing the browser comes back to HTTP when its pages do not', 'browser', ['plain'], ['http']],
    ['errors and failed renders change nothing', 'browser', [null, null], ['browser', 'browser']],
  ] as const)('%s', (_name, start, pages, modes) => {
    expect(run(start, [...pages])).toEqual(modes);
  });
});
