/** @module Reading a stream request: channels, the resume position, and credentials that must not be in a URL. */
import type { IncomingMessage } from 'node:http';
import { normalizeChannelList } from '../channels/channel-name.ts';
import { RealtimeError } from '../errors.ts';

/** Longest last event id looked at; anything longer is treated as unknown (a reset). */
export const MAX_LAST_EVENT_ID_LENGTH = 128;

/** Query parameters that would put a long-lived credential in a URL (and so in proxy logs). */
export const DEFAULT_FORBIDDEN_QUERY_PARAMS: readonly string[] = [
  'access_token',
  'token',
  'jwt',
  'api_key',
  'apikey',
  'authorization',
];

/** A parsed `GET /api/v1/stream?channels=…` request. */
export interface StreamRequest {
  channels: string[];
  /** `Last-Event-ID` header (set by EventSource on reconnect), else the `lastEventId` query parameter. */
  lastEventId: string | undefined;
}

/** The query parameters of a request. */
export function requestQuery(request: IncomingMessage): URLSearchParams {
  const url = request.url ?? '/';
  const at = url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
}

/** Throws RT_TOKEN_IN_URL when the query holds a parameter named in `forbidden`. */
export function refuseTokensInUrl(query: URLSearchParams, forbidden: readonly string[]): void {
  for (const name of forbidden) {
    if (query.has(name)) {
      throw new RealtimeError('RT_TOKEN_IN_URL', `credentials are not accepted in the URL ("${name}")`, {
        details: { parameter: name },
      });
    }
  }
}

/**
 * Parses the stream request. `channels` may be repeated or comma-separated.
 * @throws RealtimeError RT_TOKEN_IN_URL, RT_INVALID_CHANNEL, RT_TOO_MANY_CHANNELS
 */
export function parseStreamRequest(
  request: IncomingMessage,
  options: { maxChannels: number; forbiddenQueryParams: readonly string[] },
): StreamRequest {
  const query = requestQuery(request);
  refuseTokensInUrl(query, options.forbiddenQueryParams);
  const requested = query.getAll('channels').flatMap((value) => value.split(','));
  const channels = normalizeChannelList(
    requested.map((c) => c.trim()).filter((c) => c !== ''),
    options.maxChannels,
  );
  const header = request.headers['last-event-id'];
  const raw = (typeof header === 'string' && header !== '' ? header : query.get('lastEventId')) ?? undefined;
  return { channels, lastEventId: normalizeLastEventId(raw) };
}

/** Trims an id; an oversized one becomes a value that matches nothing (so it resets). */
export function normalizeLastEventId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const id = raw.trim();
  if (id === '') return undefined;
  return id.length > MAX_LAST_EVENT_ID_LENGTH ? 'invalid' : id;
}
