import { html, type Html } from '../html.js';
import { PAGE_SIZE, queueQuery, type QueueFilter } from '../review/queueFilter.js';
import type { QueuePage, QueueRow } from '../review/queueQueries.js';
import { layout, stateBadge, timeTag, type PageContext } from './layout.js';

function options(values: string[], selected: string | undefined, any: string): Html {
  return html`<option value="">${any}</option>${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${v}</option>`)}`;
}

function filters(filter: QueueFilter, page: QueuePage): Html {
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter the queue">
<label>State<select name="state">${options(['changed', 'vanished'], filter.state, 'any')}</select></label>
<label>Reason<select name="reason">${options(page.reasons, filter.reason, 'any')}</select></label>
<label>Touches the claim<select name="claim">${options(['yes', 'no'], filter.claim, 'either')}</select></label>
<label>Tag<select name="tag">${options(page.tags, filter.tag, 'any')}</select></label>
<label>Importance at least<input name="importance" type="number" min="0" max="10" value="${filter.minImportance ?? ''}"></label>
<label>Event date from<input name="from" type="date" value="${filter.from ?? ''}"></label>
<label>to<input name="to" type="date" value="${filter.to ?? ''}"></label>
<button type="submit">Filter</button> <a href="/">Clear</a>
</form>`;
}

function row(r: QueueRow): Html {
  const href = `/events/${encodeURIComponent(r.eventId)}`;
  return html`<tr data-event="${r.eventId}" data-href="${href}">
<td><a href="${href}">${r.title}</a><br><span class="muted">${r.eventId}</span></td>
<td>${r.date ?? '—'}</td>
<td>${r.importance ?? '—'}</td>
<td><ul class="plain">${r.sources.map(
    (s) =>
      html`<li>${stateBadge(s.state, s.reason)} ${s.touches ? html`<span class="touch">touches claim</span> ` : ''}<span class="url muted">${s.url}</span></li>`,
  )}</ul></td>
<td>${timeTag(r.openedAt)}</td>
</tr>`;
}

export function queuePage(ctx: PageContext, filter: QueueFilter, page: QueuePage): string {
  const c = page.counts;
  const last = Math.max(1, Math.ceil(c.matching / PAGE_SIZE));
  const body = html`<h1>Review queue</h1>
<ul class="counts" aria-label="Counts">
<li><strong>${c.open}</strong> open flags</li>
<li><strong>${c.changed}</strong> with a changed source</li>
<li><strong>${c.vanished}</strong> with a vanished source</li>
<li><strong>${c.touchingClaim}</strong> touching the claim</li>
<li><strong>${c.snoozed}</strong> snoozed</li>
</ul>
${filters(filter, page)}
<p class="muted" id="matching">${c.matching} matching; page ${filter.page} of ${last}. Keys: j / k next / previous, o or Enter to open.</p>
${
  page.rows.length === 0
    ? html`<p>No open flag matches.</p>`
    : html`<table class="queue" aria-describedby="matching">
<thead><tr><th scope="col">Event</th><th scope="col">Date</th><th scope="col">Importance</th><th scope="col">Sources</th><th scope="col">Flagged</th></tr></thead>
<tbody>${page.rows.map(row)}</tbody></table>`
}
<nav class="pager" aria-label="Pages">
${filter.page > 1 ? html`<a href="/${queueQuery(filter, { page: filter.page - 1 })}" rel="prev">← previous page</a>` : ''}
${filter.page < last ? html`<a href="/${queueQuery(filter, { page: filter.page + 1 })}" rel="next">next page →</a>` : ''}
</nav>`;
  return layout(ctx, 'Review queue', body);
}
