import { html } from '../html.js';
import { REPLAY_FRAME_SANDBOX } from './contentPolicy.js';

/** What the replay banner shows above an archived page. */
export type BannerView = {
  url: string;
  at: Date;
  captureId: number;
  title: string | null;
  prev: { at: Date; href: string } | null;
  next: { at: Date; href: string } | null;
  count: number;
  textHref: string | null;
  rawHref: string;
  timemapHref: string;
};

const when = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/**
 * The replay page, pure: a banner (the URL, when it was captured, the captures before and after, the
 * extracted text) over a frame holding the archived page. The frame is sandboxed without scripts and
 * without the app's origin, and its content carries the same sandbox in its own policy.
 */
export function bannerPage(v: BannerView): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${v.title ?? v.url} (archived ${when(v.at)}) · citewatch</title>
<link rel="stylesheet" href="/replay/replay.css">
</head>
<body class="replay">
<header class="replay-banner" role="banner">
<p><strong>Archived copy</strong> of <span class="url">${v.url}</span>, captured <time datetime="${v.at.toISOString()}">${when(v.at)}</time> (capture ${v.captureId}).
The live page may differ; nothing on this copy reaches the live web.</p>
<nav aria-label="Other captures">
${v.prev ? html`<a rel="prev" href="${v.prev.href}">← earlier: ${when(v.prev.at)}</a>` : html`<span>no earlier capture</span>`}
${v.next ? html`<a rel="next" href="${v.next.href}">later: ${when(v.next.at)} →</a>` : html`<span>no later capture</span>`}
<a href="${v.timemapHref}">all ${v.count} captures</a>
${v.textHref ? html`<a href="${v.textHref}">extracted text</a>` : ''}
<a href="${v.rawHref}">bytes as fetched</a>
</nav>
</header>
<iframe class="replay-frame" title="The archived page" sandbox="${REPLAY_FRAME_SANDBOX}" referrerpolicy="no-referrer" src="/replay/raw/${v.captureId}"></iframe>
</body>
</html>
`.toString();
}

export const REPLAY_CSS = `body.replay{margin:0;display:flex;flex-direction:column;height:100vh;font:15px/1.4 system-ui,sans-serif}
.replay-banner{padding:.5rem 1rem;background:#fff8e1;border-bottom:2px solid #b7791f;color:#1a1a1a}
.replay-banner p{margin:0 0 .3rem}
.replay-banner nav{display:flex;gap:1.2rem;flex-wrap:wrap}
.replay-banner a{color:#0b4f9c}
.replay-banner .url{word-break:break-all;font-family:ui-monospace,monospace}
.replay-frame{flex:1;border:0;width:100%}
`;
