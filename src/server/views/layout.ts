import { CSRF_FIELD } from '../auth/csrf.js';
import type { SessionUser } from '../auth/sessions.js';
import { html, type Html } from '../html.js';

/** What every page's frame needs: who is signed in and the token their forms carry. */
export type PageContext = { user: SessionUser | null; csrfToken: string | null; canDecide: boolean };

/** The frame of every page: one stylesheet, one small deferred script, no inline script or style. */
export function layout(ctx: PageContext, title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · citewatch</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/keys.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<nav aria-label="Main"><a class="brand" href="/">citewatch</a> <a href="/">Review queue</a> <a href="/reviews">Audit log</a></nav>
${ctx.user ? html`<form class="who" method="post" action="/sign-out">${csrfField(ctx)}<span>${ctx.user.name} (${ctx.user.role})</span> <button type="submit">Sign out</button></form>` : html`<a class="who" href="/sign-in">Sign in</a>`}
</header>
<main id="main">
${body}
</main>
</body>
</html>
`.value;
}

export function csrfField(ctx: PageContext): Html {
  return ctx.csrfToken ? html`<input type="hidden" name="${CSRF_FIELD}" value="${ctx.csrfToken}">` : html``;
}

/** A date for people: 2026-04-01 13:05 UTC. */
export function when(date: Date | string | null | undefined): string {
  if (!date) return '—';
  const d = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(d.getTime()) ? '—' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function timeTag(date: Date | string | null | undefined): Html {
  if (!date) return html`—`;
  const d = typeof date === 'string' ? new Date(date) : date;
  return html`<time datetime="${d.toISOString()}">${when(d)}</time>`;
}

/** A state as a labelled badge (colour and text, never colour alone). */
export function stateBadge(state: string, reason?: string | null): Html {
  return html`<span class="badge state-${state}">${state}</span>${reason ? html` <span class="reason">${reason}</span>` : ''}`;
}
