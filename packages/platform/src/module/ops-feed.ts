/**
 * @module Live operations data for the admin dashboard: while someone (an admin: the channel rule
 * allows `admin:**` to admins only) is subscribed, zone status goes to `admin:zones` and the event
 * stream overview to `admin:streams`, once per interval, through the real-time hub. Nothing is
 * computed while nobody watches.
 */
import { createBeatService, uuidv7, type ChannelSink, type Service } from '@tickline/kernel';
import { isPlatformUnavailableError } from '../errors.ts';
import type { PlatformOperations } from '../operations/platform-operations.ts';

/** The channels and their event types. */
export const AdminChannel = {
  Zones: { channel: 'admin:zones', type: 'admin.zones' },
  Streams: { channel: 'admin:streams', type: 'admin.streams' },
} as const;

/** How often the feed publishes while watched. */
export const DEFAULT_OPS_FEED_INTERVAL_MS = 1_000;

/** Options for {@link createOpsFeed}. */
export interface OpsFeedOptions {
  hub: ChannelSink;
  operations: Pick<PlatformOperations, 'zones' | 'streams'>;
  /** @default 1_000 */
  intervalMs?: number;
}

/** The feed as a service of the process. */
export function createOpsFeed(options: OpsFeedOptions): Service {
  return createBeatService({
    name: 'platform-ops-feed',
    intervalMs: options.intervalMs ?? DEFAULT_OPS_FEED_INTERVAL_MS,
    async beat(logger) {
      const hub = options.hub;
      const feeds = [
        { ...AdminChannel.Zones, read: async () => ({ zones: await options.operations.zones() }) },
        { ...AdminChannel.Streams, read: () => options.operations.streams() },
      ];
      for (const feed of feeds) {
        if (hub.subscriberCount(feed.channel) === 0) continue;
        try {
          hub.publish(feed.channel, { id: uuidv7(), type: feed.type, data: await feed.read() });
        } catch (error) {
          // A process without zones has no zone feed; anything else is worth a line.
          if (!isPlatformUnavailableError(error))
            logger.warn({ err: error, channel: feed.channel }, 'ops feed failed');
        }
      }
    },
  });
}
