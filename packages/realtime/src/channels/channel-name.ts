/**
 * @module Channel names: `segment(:segment)*`, e.g. `user:0193…`, `market:BTC-USD:trades`,
 * `admin:game`, `game:zone-1`. One grammar for SSE, WebSocket and the hub, so a name that is valid
 * in one place is valid everywhere, and never contains a separator used elsewhere (`,` in the
 * stream query, `*` in patterns, newlines in SSE frames).
 */
import { RealtimeError } from '../errors.ts';

/** Longest channel name accepted. */
export const MAX_CHANNEL_NAME_LENGTH = 200;
/** Most `:`-separated segments in a name. */
export const MAX_CHANNEL_SEGMENTS = 8;

const SEGMENT = '[A-Za-z0-9_.@+=~-]+';
const CHANNEL_RE = new RegExp(`^${SEGMENT}(?::${SEGMENT}){0,${MAX_CHANNEL_SEGMENTS - 1}}$`);

/** True when `name` follows the channel grammar. */
export function isValidChannelName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_CHANNEL_NAME_LENGTH && CHANNEL_RE.test(name);
}

/** Throws RT_INVALID_CHANNEL unless `name` follows the channel grammar. */
export function assertChannelName(name: string): void {
  if (!isValidChannelName(name)) {
    throw new RealtimeError('RT_INVALID_CHANNEL', `invalid channel name "${name.slice(0, 64)}"`, {
      details: { channel: name.slice(0, MAX_CHANNEL_NAME_LENGTH) },
    });
  }
}

/**
 * Validates a list of requested channels: each name valid, duplicates removed, at most `max`.
 * @throws RealtimeError RT_INVALID_CHANNEL or RT_TOO_MANY_CHANNELS
 */
export function normalizeChannelList(channels: readonly string[], max: number): string[] {
  const unique = [...new Set(channels)];
  if (unique.length === 0) {
    throw new RealtimeError('RT_INVALID_CHANNEL', 'at least one channel is required', {
      details: { channels: [] },
    });
  }
  if (unique.length > max) {
    throw new RealtimeError('RT_TOO_MANY_CHANNELS', `at most ${max} channels per connection`, {
      details: { requested: unique.length, max },
    });
  }
  for (const name of unique) assertChannelName(name);
  return unique;
}
