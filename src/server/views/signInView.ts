import { CSRF_FIELD } from '../auth/csrf.js';
import { html } from '../html.js';
import { layout, type PageContext } from './layout.js';

export function signInPage(ctx: PageContext, form: { csrfToken: string; next: string; name?: string; error?: string }): string {
  const body = html`<h1>Sign in</h1>
${form.error ? html`<p class="error" role="alert">${form.error}</p>` : ''}
<form class="signin" method="post" action="/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${form.csrfToken}">
<input type="hidden" name="next" value="${form.next}">
<label for="name">Name<input id="name" name="name" autocomplete="username" required value="${form.name ?? ''}"></label>
<label for="password">Password<input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`;
  return layout(ctx, 'Sign in', body);
}

export function errorPage(ctx: PageContext, status: number, message: string): string {
  return layout(
    ctx,
    `Error ${status}`,
    html`<h1>${status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1><p class="error" role="alert">${message}</p><p><a href="/">Back to the queue</a></p>`,
  );
}
