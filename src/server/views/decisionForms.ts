import { html, type Html } from '../html.js';
import { csrfField, type PageContext } from './layout.js';

/**
 * The decision forms: plain POST forms that work without JavaScript, each with a required note and
 * the session's CSRF token. Only editors and admins see them; the server checks again.
 */

function form(ctx: PageContext, eventId: string, action: string, label: string, fields: Html, sourceId?: number): Html {
  const id = `${action}-${sourceId ?? 'flag'}`;
  return html`<form method="post" action="/events/${encodeURIComponent(eventId)}/decisions" class="decision decision-${action}">
${csrfField(ctx)}<input type="hidden" name="action" value="${action}">${sourceId !== undefined ? html`<input type="hidden" name="sourceId" value="${sourceId}">` : ''}
${fields}
<label for="note-${id}">Note (why)</label>
<textarea id="note-${id}" name="note" rows="2" required maxlength="2000"></textarea>
<button type="submit">${label}</button>
</form>`;
}

export function sourceDecisionForms(ctx: PageContext, eventId: string, sourceId: number, state: string): Html {
  if (!ctx.canDecide) return html``;
  return html`<div class="decisions" aria-label="Decisions on this source">
${state === 'changed' ? form(ctx, eventId, 'reverify', 'Mark re-verified', html`<p class="muted">The new text becomes the baseline later changes are compared with.</p>`, sourceId) : ''}
${form(
  ctx,
  eventId,
  'replace',
  'Mark replaced',
  html`<label for="url-${sourceId}">New URL, cited in place of this one</label><input id="url-${sourceId}" name="url" type="url" required maxlength="2000" placeholder="https://">`,
  sourceId,
)}
</div>`;
}

export function flagDecisionForms(
  ctx: PageContext,
  eventId: string,
  flag: { status: string; snoozedUntil: Date | null } | null,
  today: string,
): Html {
  if (!ctx.canDecide || !flag) return html``;
  const open = flag.status === 'open';
  return html`<div class="decisions" aria-label="Decisions on the whole flag">
${open ? form(ctx, eventId, 'dismiss', 'Dismiss: does not affect the claim', html``) : ''}
${
  open
    ? form(
        ctx,
        eventId,
        'snooze',
        'Snooze',
        html`<label for="until-flag">Snooze until</label><input id="until-flag" name="until" type="date" required min="${today}">`,
      )
    : ''
}
${!open || flag.snoozedUntil ? form(ctx, eventId, 'reopen', 'Re-open', html``) : ''}
</div>`;
}
