/**
 * The URL an archive path carries after its prefix (`/memento/timegate/<url>`, `/replay/<ts>/<url>`),
 * as Memento clients send it: as is (query string included), percent-encoded whole, or with the
 * double slash after the scheme collapsed by a proxy. Pure.
 */
export function urlFromPath(rest: string): string {
  const decoded = /^https?%3A/i.test(rest) ? decodeURIComponent(rest) : rest;
  return decoded.replace(/^(https?:)\/(?!\/)/i, '$1//');
}

/** Where the archive is reachable, for the absolute URIs Memento's Link headers need. */
export function archiveBase(publicBaseUrl: string | undefined, request: { protocol: string; host: string }): string {
  return (publicBaseUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}
