/** @module Config section `realtime`: SSE/WebSocket keep-alive, resume history and slow-consumer bounds. */
import { z } from 'zod';
import {
  HISTORY_MAX_AGE_MS,
  HISTORY_MAX_EVENTS,
  KEEP_ALIVE_MS,
  MAX_BUFFERED_BYTES,
  MAX_CHANNELS_PER_CONNECTION,
  MAX_CONNECTION_AGE_MS,
  MAX_CONNECTIONS,
  MIN_BUFFERED_BYTES,
  PING_INTERVAL_MS,
} from './domain-defaults.ts';

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
  maxConnectionAgeMs: z
    .int()
    .min(0)
    .default(MAX_CONNECTION_AGE_MS)
    .describe(
      'Connections are closed (clients reconnect) after about this long, so ended sessions stop streaming; 0 = never.',
    ),
});

export type RealtimeConfig = z.output<typeof RealtimeSchema>;
