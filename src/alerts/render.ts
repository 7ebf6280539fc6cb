import { escapeHtml } from '../server/html.js';
import type { Message } from './message.js';
import type { AlertPayload } from './payload.js';

/**
 * The wire forms of an alert, pure: the webhook's JSON (citewatch's own schema or Slack's), the
 * e-mail's text and HTML parts. Page text (titles, passages, URLs) comes from anyone's web page, so
 * HTML and Slack markup escape all of it and only http(s) URLs become links.
 */

/** The webhook body in citewatch's schema: the payload with the channel and key beside it. */
export function citewatchBody(payload: AlertPayload, channel: string, idempotencyKey: string): Record<string, unknown> {
  return { ...payload, channel, idempotencyKey };
}

export function plainText(m: Message): string {
  const out = [m.intro, ...(m.link ? [m.link] : []), ''];
  for (const s of m.sections) {
    out.push(s.heading, ...s.lines.map((l) => `  ${l}`));
    for (const p of s.removed) out.push(`  - ${p}`);
    for (const p of s.added) out.push(`  + ${p}`);
    out.push('');
  }
  out.push(...m.footer);
  return `${out.join('\n').trimEnd()}\n`;
}

function isWebUrl(url: string | null): url is string {
  return url !== null && /^https?:\/\//i.test(url);
}

function htmlLink(text: string, url: string | null): string {
  return isWebUrl(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

/** The HTML part (and Atom entry content): the same text, everything escaped. */
export function html(m: Message): string {
  const parts = [`<p>${htmlLink(m.intro, m.link)}</p>`];
  for (const s of m.sections) {
    parts.push(`<h3>${htmlLink(s.heading, s.link)}</h3>`);
    if (s.lines.length) parts.push(`<ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`);
    for (const p of s.removed) parts.push(`<blockquote><del>${escapeHtml(p)}</del></blockquote>`);
    for (const p of s.added) parts.push(`<blockquote><ins>${escapeHtml(p)}</ins></blockquote>`);
  }
  if (m.footer.length) parts.push(`<p>${m.footer.map(escapeHtml).join('<br>')}</p>`);
  return parts.join('\n');
}

/** Slack's mrkdwn needs only &, < and > escaped; links are <url|text>. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's section text limit. */
const SLACK_TEXT_MAX = 3000;

function cut(text: string): string {
  return text.length <= SLACK_TEXT_MAX ? text : `${text.slice(0, SLACK_TEXT_MAX - 1)}…`;
}

/** A Slack-compatible body (incoming webhooks, and Mattermost's and Discord's Slack endpoints). */
export function slackBody(m: Message): { text: string; blocks: unknown[] } {
  const link = (text: string, url: string | null) => (isWebUrl(url) ? `<${slackEscape(url)}|${slackEscape(text)}>` : slackEscape(text));
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: cut(`*${link(m.intro, m.link)}*`) } }];
  for (const s of m.sections) {
    const lines = [
      `*${link(s.heading, s.link)}*`,
      ...s.lines.map(slackEscape),
      ...s.removed.map((p) => `> ~${slackEscape(p)}~`),
      ...s.added.map((p) => `> ${slackEscape(p)}`),
    ];
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n')) } });
  }
  if (m.footer.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(m.footer.map(slackEscape).join('\n')) }] });
  return { text: slackEscape(m.subject), blocks };
}
