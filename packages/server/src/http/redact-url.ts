/**
 * @module Credentials out of logged URLs. An OIDC callback carries the authorization `code` and
 * `state`, a stream URL its `ticket`, a verification link its `token`: each is worth little for
 * long, but logs are shipped, kept and read by more people than the credential's owner. Their
 * values are replaced before the access log writes the URL.
 */

/** Query parameters whose values never reach a log. */
export const REDACTED_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'ticket',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'api_key',
  'apikey',
  'session_state',
]);

const REDACTED = '[redacted]';

/** `url` (path and query, as Fastify's `request.url`) with credential parameters blanked. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const parts = url.slice(at + 1).split('&');
  let changed = false;
  const kept = parts.map((part) => {
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
    } catch {
      name = rawName.toLowerCase();
    }
    if (!REDACTED_QUERY_PARAMS.has(name)) return part;
    changed = true;
    return `${rawName}=${REDACTED}`;
  });
  return changed ? `${url.slice(0, at)}?${kept.join('&')}` : url;
}
