/**
 * Whether a host's pages go to the browser first. Pure.
 *
 * A render costs Chromium a third of a second of CPU and a gate turn for every script and data file
 * the page asks for; HTTP first, with a render only when the answer looks like a script shell, reads
 * a mixed host (a few app pages among articles) with a render per app page only. Sending a host to
 * the browser first pays where most of its pages need one: it saves their HTTP fetch and catches a
 * shell the heuristic would miss. So the mode follows the majority of what the host's pages taught
 * this pass, in both directions, and a single page never outvotes the others.
 */
export type RenderMode = 'http' | 'browser';

/** What the host's pages taught so far this pass. */
export type RenderTally = { helped: number; plain: number };

/** What one page teaches: `helped` when a render found text its HTTP answer lacked; `plain` when its text came without one. */
export type RenderEvidence = 'helped' | 'plain' | null;

export function renderEvidence(page: { fetched: boolean; rendered: boolean; renderHelped: boolean; shell: boolean }): RenderEvidence {
  if (!page.fetched) return null; // an error or a failed render says nothing about the pages
  if (page.rendered) return page.renderHelped ? 'helped' : 'plain';
  return page.shell ? null : 'plain';
}

/** The tally with one more page, and the mode the host should be in after it. */
export function nextRenderMode(mode: RenderMode, tally: RenderTally, evidence: RenderEvidence): { mode: RenderMode; tally: RenderTally } {
  if (evidence === null) return { mode, tally };
  const next = { ...tally, [evidence]: tally[evidence] + 1 };
  if (next.helped > next.plain) return { mode: 'browser', tally: next };
  if (next.plain > next.helped) return { mode: 'http', tally: next };
  return { mode, tally: next };
}
