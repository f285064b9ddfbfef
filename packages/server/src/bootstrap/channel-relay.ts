/**
 * @module The channel relay (scaled mode, roles `platform` and `all`): every domain's channel
 * delivery runs here once, and its messages go to the real-time delivery log
 * (`<stream>_RT`) under their channel's subject, where each gateway takes only the channels its
 * clients subscribe to (realtime's event-log bridge). The log appends go through a publisher of
 * their own: ordered, with the outage buffer, so a relay that loses NATS for a while loses no
 * channel message it had taken.
 */
import { resolve } from 'node:path';
import { createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import type { ChannelSink, Logger, Registry } from '@tickline/kernel';
import { encodeBridgeRecord, isValidChannelName } from '@tickline/realtime';

/** The relay's appender on the delivery log, and the sink deliveries publish to. */
export interface ChannelRelay {
  readonly publisher: Publisher;
  readonly sink: ChannelSink;
}

export interface ChannelRelayOptions {
  /** The open delivery log. */
  log: EventLog;
  /** Names this process as the origin of what it relays (gateways skip only their own). */
  nodeId: string;
  dataDir: string;
  metrics: Registry;
  logger: Logger;
}

export function createChannelRelay(options: ChannelRelayOptions): ChannelRelay {
  const origin = `relay-${options.nodeId}`;
  const publisher = createPublisher({
    log: options.log,
    spillDir: resolve(options.dataDir, 'spill-relay'),
    name: 'channel-relay',
    metrics: options.metrics,
    logger: options.logger,
  });
  return {
    publisher,
    sink: {
      publish(channel, message) {
        if (isValidChannelName(channel))
          publisher.publishRecord(encodeBridgeRecord(origin, channel, message));
        else
          options.logger.warn(
            { id: message.id, type: message.type },
            'event names no valid channel; not relayed',
          );
      },
      // The subscribers are on the gateways: a relayed channel may always have some.
      subscriberCount: () => 1,
    },
  };
}
