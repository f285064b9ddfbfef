/**
 * @module Realtime's config section `realtime`: SSE/WebSocket keep-alive, resume history and
 * slow-consumer bounds, with the gateway's and hub's own defaults. Light on purpose (no `ws`), for
 * `tickline --help` and `config print`.
 */
import type { DeepReadonly } from '@tickline/kernel';
import { z } from 'zod';
import {
  DEFAULT_KEEP_ALIVE_MS as KEEP_ALIVE_MS,
  DEFAULT_MAX_BUFFERED_BYTES as MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CHANNELS_PER_CONNECTION as MAX_CHANNELS_PER_CONNECTION,
  DEFAULT_MAX_CONNECTION_AGE_MS as MAX_CONNECTION_AGE_MS,
  DEFAULT_MAX_CONNECTIONS as MAX_CONNECTIONS,
  DEFAULT_PING_INTERVAL_MS as PING_INTERVAL_MS,
  MIN_MAX_BUFFERED_BYTES as MIN_BUFFERED_BYTES,
} from './gateway/gateway-options.ts';
import { DEFAULT_INTEREST_GRACE_MS as INTEREST_GRACE_MS } from './bridge/channel-interests.ts';
import {
  DEFAULT_HISTORY_MAX_AGE_MS as HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_MAX_EVENTS as HISTORY_MAX_EVENTS,
} from './hub/hub-options.ts';

export const RealtimeSchema = z.strictObject({
  keepAliveMs: z
    .int()
    .positive()
    .default(KEEP_ALIVE_MS)
    .describe('SSE keep-alive comment period; below the 30–60 s idle timeouts of common proxies.'),
  pingIntervalMs: z
    .int()
    .positive()
    .default(PING_INTERVAL_MS)
    .describe('WebSocket ping period; a peer silent until the next ping is disconnected.'),
  history: z
    .strictObject({
      maxEvents: z
        .int()
        .min(0)
        .default(HISTORY_MAX_EVENTS)
        .describe('Events kept per channel for resume (Last-Event-ID); 0 disables resume.'),
      maxAgeMs: z
        .int()
        .min(0)
        .default(HISTORY_MAX_AGE_MS)
        .describe('Age after which an event can no longer be resumed (the client gets a reset).'),
    })
    .prefault({}),
  slowConsumer: z
    .strictObject({
      maxBufferedBytes: z
        .int()
        .min(MIN_BUFFERED_BYTES)
        .default(MAX_BUFFERED_BYTES)
        .describe(
          'Outbound bytes queued per connection before market channels coalesce to the latest value and other channels disconnect the client (RT_SLOW_CONSUMER).',
        ),
    })
    .prefault({}),
  maxChannelsPerConnection: z
    .int()
    .positive()
    .default(MAX_CHANNELS_PER_CONNECTION)
    .describe('Channels one stream may subscribe to.'),
  maxConnections: z
    .int()
    .positive()
    .default(MAX_CONNECTIONS)
    .describe('SSE + WebSocket connections this process accepts.'),
  interestGraceMs: z
    .int()
    .min(0)
    .default(INTEREST_GRACE_MS)
    .describe(
      'Scaled mode: how long a gateway keeps taking a channel from the delivery log after its last local subscriber left (a client reconnecting within it finds the channel live).',
    ),
  maxConnectionAgeMs: z
    .int()
    .min(0)
    .default(MAX_CONNECTION_AGE_MS)
    .describe(
      'Connections are closed (clients reconnect) after about this long, so ended sessions stop streaming; 0 = never.',
    ),
});

export type RealtimeSettings = DeepReadonly<z.output<typeof RealtimeSchema>>;

/** The `realtime` section of the Tickline config. */
export const realtimeConfig = { key: 'realtime', schema: RealtimeSchema.prefault({}) } as const;
