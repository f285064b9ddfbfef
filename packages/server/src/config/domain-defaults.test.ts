import {
  DEFAULT_ACCESS_TOKEN_TTL_MS,
  DEFAULT_REFRESH_TOKEN_TTL_MS,
  DEFAULT_TIER_LIMITS,
  TIERS,
} from '@tickline/identity';
import {
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_MAX_EVENTS,
  DEFAULT_KEEP_ALIVE_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CHANNELS_PER_CONNECTION,
  DEFAULT_MAX_CONNECTION_AGE_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_STREAM_TICKET_TTL_MS,
} from '@tickline/realtime';
import { describe, expect, it } from 'vitest';
import * as copies from './domain-defaults.ts';

describe('config - domain defaults copied into the schema', () => {
  it('defaults - identity copies match the package', () => {
    expect(copies.ACCESS_TOKEN_TTL_MS).toBe(DEFAULT_ACCESS_TOKEN_TTL_MS);
    expect(copies.REFRESH_TOKEN_TTL_MS).toBe(DEFAULT_REFRESH_TOKEN_TTL_MS);
    expect([...copies.TIER_NAMES]).toEqual([...TIERS]);
    expect(copies.TIER_LIMITS).toEqual(DEFAULT_TIER_LIMITS);
  });

  it('defaults - realtime copies match the package', () => {
    expect({
      ticket: copies.STREAM_TICKET_TTL_MS,
      keepAlive: copies.KEEP_ALIVE_MS,
      ping: copies.PING_INTERVAL_MS,
      historyEvents: copies.HISTORY_MAX_EVENTS,
      historyAge: copies.HISTORY_MAX_AGE_MS,
      buffered: copies.MAX_BUFFERED_BYTES,
      channels: copies.MAX_CHANNELS_PER_CONNECTION,
      connections: copies.MAX_CONNECTIONS,
      age: copies.MAX_CONNECTION_AGE_MS,
    }).toEqual({
      ticket: DEFAULT_STREAM_TICKET_TTL_MS,
      keepAlive: DEFAULT_KEEP_ALIVE_MS,
      ping: DEFAULT_PING_INTERVAL_MS,
      historyEvents: DEFAULT_HISTORY_MAX_EVENTS,
      historyAge: DEFAULT_HISTORY_MAX_AGE_MS,
      buffered: DEFAULT_MAX_BUFFERED_BYTES,
      channels: DEFAULT_MAX_CHANNELS_PER_CONNECTION,
      connections: DEFAULT_MAX_CONNECTIONS,
      age: DEFAULT_MAX_CONNECTION_AGE_MS,
    });
  });
});
