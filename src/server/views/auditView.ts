import { html, type Html } from '../html.js';
import { layout, timeTag, type PageContext } from './layout.js';

export type AuditRow = {
  id: number;
  at: Date;
  action: string;
  reviewer: string;
  note: string | null;
  eventId: string | null;
  sourceUrl: string | null;
  captureIds: number[];
  details: Record<string, unknown>;
};

/** What a decision carried beside its note, for people: the new URL, the snooze date. */
function detailsText(details: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof details.url === 'string') parts.push(`new URL ${details.url}`);
  if (typeof details.until === 'string') parts.push(`until ${details.until.slice(0, 10)}`);
  if (typeof details.was === 'string') parts.push(`was ${details.was}`);
  return parts.join('; ');
}

/** The audit log as a table: newest first. */
export function auditTable(rows: AuditRow[], withEvent: boolean): Html {
  if (rows.length === 0) return html`<p class="muted">No decision yet.</p>`;
  return html`<table class="audit">
<caption class="sr">Decisions, newest first</caption>
<thead><tr><th scope="col">When</th>${withEvent ? html`<th scope="col">Event</th>` : ''}<th scope="col">Who</th><th scope="col">Decision</th><th scope="col">Source</th><th scope="col">Note</th><th scope="col">Captures</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr data-action="${r.action}"><td>${timeTag(r.at)}</td>${withEvent ? html`<td>${r.eventId ? html`<a href="/events/${encodeURIComponent(r.eventId)}">${r.eventId}</a>` : '—'}</td>` : ''}<td>${r.reviewer}</td><td>${r.action}${detailsText(r.details) ? html`<br><span class="muted">${detailsText(r.details)}</span>` : ''}</td><td class="url">${r.sourceUrl ?? '—'}</td><td>${r.note ?? ''}</td><td>${r.captureIds.join(', ') || '—'}</td></tr>`,
  )}</tbody>
</table>`;
}

export function auditPage(ctx: PageContext, rows: AuditRow[]): string {
  return layout(
    ctx,
    'Audit log',
    html`<h1>Audit log</h1><p class="muted">Every decision on a flag, from the web app and the CLI, newest first (the last ${rows.length}).</p>${auditTable(rows, true)}`,
  );
}
