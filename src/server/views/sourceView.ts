import type { Config } from '../../config/loadConfig.js';
import { wordDiff } from '../../diff/words.js';
import { externalLink, html, type Html } from '../html.js';
import type { EventSource } from '../review/eventQueries.js';
import { captureMarks, waitNote } from './captureMarks.js';
import { sourceDecisionForms } from './decisionForms.js';
import { diffTokens, matchedTermPatterns, renderTokens, sideBySide } from './diffView.js';
import { stateBadge, timeTag, type PageContext } from './layout.js';

/** One cited source on the event page: its facts, history, and what changed or what it answers now. */
export function sourceSection(
  ctx: PageContext,
  claim: { id: string; title: string; description: string },
  s: EventSource,
  config: Config,
  flagOpen: boolean,
): Html {
  const { source, citation, entry } = s;
  const detached = citation.detachedAt !== null;
  const heading = citation.title ?? citation.outlet ?? source.url;
  return html`<section class="source" id="source-${source.id}" aria-labelledby="source-${source.id}-title">
<h3 id="source-${source.id}-title">${heading} ${stateBadge(source.state, source.stateReason)}${entry?.touches ? html` <span class="touch">touches the claim</span>` : ''}${detached ? html` <span class="muted">(no longer cited)</span>` : ''}</h3>
<dl class="facts">
<dt>URL</dt><dd>${externalLink(source.url)}</dd>
${citation.originalUrl !== source.url ? html`<dt>Cited as</dt><dd class="url">${citation.originalUrl}</dd>` : ''}
${citation.outlet ? html`<dt>Outlet</dt><dd>${citation.outlet}</dd>` : ''}
${entry ? html`<dt>Flagged as</dt><dd>${stateBadge(entry.state, entry.reason)}${entry.terms.length ? html` <span class="muted">claim terms: ${entry.terms.slice(0, 8).join(', ')}</span>` : ''}</dd>` : ''}
<dt>Last check</dt><dd>${timeTag(source.checkedAt)}</dd>
<dt>Next check</dt><dd>${timeTag(source.nextCheckAt)}</dd>
${citation.archiveUrl ? html`<dt>Archived copy</dt><dd>${externalLink(citation.archiveUrl)}</dd>` : ''}
${s.replacedBy ? html`<dt>Replaced by</dt><dd>${externalLink(s.replacedBy)}</dd>` : ''}
</dl>
${historyStrip(s)}
${source.state === 'unreachable' || source.state === 'blocked' ? html`<p class="wait">${waitNote(source, config)}</p>` : ''}
${s.change ? changeBlock(claim, s) : ''}
${s.lastGood || source.state === 'vanished' ? vanishedBlock(s) : ''}
${flagOpen && entry && !detached ? sourceDecisionForms(ctx, claim.id, source.id, canReverify(s) ? 'changed' : source.state) : ''}
</section>`;
}

/** A changed source, or one re-verified for another event while this event's part still waits. */
function canReverify(s: EventSource): boolean {
  return s.source.state === 'changed' || (s.source.state === 'ok' && s.entry?.state === 'changed' && s.source.verifiedCaptureId !== null);
}

function historyStrip(s: EventSource): Html {
  if (s.history.length === 0) return html`<p class="muted">Not checked yet.</p>`;
  const marks = captureMarks(s.history);
  return html`<p class="muted">Capture history, oldest first (last ${s.history.length}):</p>
<ol class="history" aria-label="Capture history, oldest first">${s.history.map(
    (c, i) =>
      html`<li class="mark-${marks[i]}" title="${marks[i]}: ${c.outcome}${c.httpStatus ? ` ${c.httpStatus}` : ''}, ${c.at.toISOString()}">${marks[i][0]}<span class="sr">: ${c.outcome} ${c.at.toISOString()}</span></li>`,
  )}</ol>`;
}

function changeBlock(claim: { title: string; description: string }, s: EventSource): Html {
  const { row, before, after } = s.change!;
  const patterns = matchedTermPatterns(claim, s.entry?.terms ?? []);
  const titleChanged = (before.title ?? '') !== (after.title ?? '');
  const tokens = diffTokens(wordDiff(before.text, after.text), patterns);
  const sides = sideBySide(tokens);
  return html`<div class="change">
<h4>What changed <span class="muted">(${row.classification}, significance ${row.significance.toFixed(2)})</span></h4>
<p>Between the verified capture of ${timeTag(before.at)} and the capture of ${timeTag(after.at)}.</p>
${row.kinds.length ? html`<ul class="kinds" aria-label="Kinds of change">${row.kinds.map((k) => html`<li><span class="badge">${k}</span></li>`)}</ul>` : ''}
${row.summary ? html`<p>${row.summary}</p>` : ''}
${titleChanged ? html`<p>Headline: <span class="diff">${renderTokens(diffTokens(wordDiff(before.title ?? '', after.title ?? ''), patterns))}</span></p>` : ''}
<h5>Inline</h5>
<div class="diff" data-diff="inline">${renderTokens(tokens)}</div>
<h5>Side by side</h5>
<div class="side"><div><p class="muted">Before</p><div class="diff" data-diff="before">${sides.before}</div></div><div><p class="muted">After</p><div class="diff" data-diff="after">${sides.after}</div></div></div>
</div>`;
}

function vanishedBlock(s: EventSource): Html {
  const n = s.newest;
  return html`<div class="vanished">
<h4>What the URL answers now</h4>
${
  n
    ? html`<dl class="facts"><dt>Reason</dt><dd>${s.source.stateReason ?? s.entry?.reason ?? '—'}</dd>
<dt>Answer</dt><dd>${n.httpStatus ?? 'no answer'} ${n.outcome}${n.errorKind ? ` (${n.errorKind})` : ''} at ${timeTag(n.at)}</dd>
<dt>Final URL</dt><dd>${externalLink(n.finalUrl ?? n.requestedUrl)}</dd></dl>`
    : html`<p class="muted">No capture yet.</p>`
}
${s.citation.archiveUrl ? html`<p>The citation's own archived copy: ${externalLink(s.citation.archiveUrl)}</p>` : html`<p class="muted">The citation gives no archived copy.</p>`}
${
  s.lastGood
    ? html`<h4>Last good capture, ${timeTag(s.lastGood.at)}</h4>${s.lastGood.title ? html`<p><strong>${s.lastGood.title}</strong></p>` : ''}<div class="lastgood" tabindex="0" role="region" aria-label="Text of the last good capture">${s.lastGood.text}</div>`
    : html`<p class="muted">No good capture was ever stored.</p>`
}
</div>`;
}
