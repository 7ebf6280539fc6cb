import type { Config } from '../../config/loadConfig.js';
import { html, type Html } from '../html.js';
import type { EventPage } from '../review/eventQueries.js';
import { auditTable } from './auditView.js';
import { flagDecisionForms } from './decisionForms.js';
import { layout, timeTag, type PageContext } from './layout.js';
import { sourceSection } from './sourceView.js';

export type EventPageView = {
  page: EventPage;
  neighbours: { previous: string | null; next: string | null };
  /** What was just decided (?done=), to confirm it. */
  done: string | null;
  error: string | null;
  now: Date;
  config: Config;
};

const DONE: Record<string, string> = {
  reverify: 'Marked re-verified.',
  replace: 'Marked replaced: the new URL is cited and will be checked in the next pass.',
  dismiss: 'Flag dismissed.',
  snooze: 'Flag snoozed.',
  reopen: 'Flag re-opened.',
};

function flagStatus(flag: EventPage['flag'], now: Date): Html {
  if (!flag) return html`<p>No flag has been raised on this event.</p>`;
  if (flag.status !== 'open') return html`<p>Flag ${flag.status} ${timeTag(flag.closedAt)}.</p>`;
  if (flag.snoozedUntil && flag.snoozedUntil > now)
    return html`<p>Flag open since ${timeTag(flag.openedAt)}, snoozed until ${timeTag(flag.snoozedUntil)}.</p>`;
  return html`<p>Flag open since ${timeTag(flag.openedAt)}.</p>`;
}

function pager(neighbours: EventPageView['neighbours']): Html {
  const link = (id: string | null, rel: string, label: string) =>
    id ? html`<a href="/events/${encodeURIComponent(id)}" rel="${rel}" data-key="${rel}">${label}</a>` : html``;
  return html`<nav class="pager" aria-label="Queue">${link(neighbours.previous, 'prev', '← previous flag (k)')} <a href="/">queue</a> ${link(neighbours.next, 'next', 'next flag (j) →')}</nav>`;
}

export function eventPage(ctx: PageContext, view: EventPageView): string {
  const { event, flag, sources, reviews } = view.page;
  const flagOpen = flag?.status === 'open';
  const claim = { id: event.id, title: event.title, description: event.description };
  const body = html`${pager(view.neighbours)}
${view.done && DONE[view.done] ? html`<p class="notice" role="status">${DONE[view.done]}</p>` : ''}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
<article class="claim">
<h1>${event.title}</h1>
<dl class="facts">
<dt>Event</dt><dd>${event.id}</dd>
<dt>Date</dt><dd>${event.date ?? '—'}</dd>
<dt>Importance</dt><dd>${event.importance ?? '—'}</dd>
${event.tags.length ? html`<dt>Tags</dt><dd>${event.tags.join(', ')}</dd>` : ''}
${event.removedAt ? html`<dt>Removed</dt><dd>${timeTag(event.removedAt)} (its file is gone)</dd>` : ''}
</dl>
${event.description ? html`<p class="description">${event.description}</p>` : ''}
</article>
<h2>Flag</h2>
${flagStatus(flag, view.now)}
${flagDecisionForms(ctx, event.id, flag, view.now.toISOString().slice(0, 10))}
<h2>Cited sources (${sources.length})</h2>
${sources.map((s) => sourceSection(ctx, claim, s, view.config, flagOpen))}
<h2 id="audit">Audit log</h2>
${auditTable(reviews, false)}`;
  return layout(ctx, event.title, body);
}
