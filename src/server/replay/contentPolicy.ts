/**
 * How archived bytes are served, wherever they are served (replay, Memento, the API's download).
 * An archived page is hostile until shown otherwise: it is served as its own opaque origin
 * (`sandbox`, no allow-scripts, no allow-same-origin: no script runs, no cookie or storage of the
 * app is reachable, no form is sent), it may load only what the archive itself holds (`'self'`; the
 * live web is never reached because of it), and only the app may frame it. A link the viewer clicks
 * may take the whole tab to another archived page: links are rewritten to the archive or dropped.
 */
export const ARCHIVED_CONTENT_CSP = [
  'sandbox allow-top-navigation-by-user-activation',
  "default-src 'none'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "media-src 'self'",
  "frame-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

export const ARCHIVED_CONTENT_HEADERS = {
  'content-security-policy': ARCHIVED_CONTENT_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // An archived page is an opaque origin: to it, the archive's own images and stylesheets are
  // cross-origin, and a same-origin CORP (helmet's default) would stop it from loading them.
  'cross-origin-resource-policy': 'cross-origin',
} as const;

/** The sandbox of the frame the banner page shows an archived page in: the same rights as its CSP. */
export const REPLAY_FRAME_SANDBOX = 'allow-top-navigation-by-user-activation';

/**
 * The banner page's own policy, in place of the app's: the same walls, without
 * `upgrade-insecure-requests`, which a framed document inherits and which would send the archived
 * page's requests for the archive's own images to https on an app served over http.
 */
export const BANNER_CSP = [
  "default-src 'self'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');
