/**
 * @module A domain's channel delivery: the consumer that reads the domain's events from the main
 * log and hands them, as channel messages (`market:{symbol}:trades`, `user:{id}`, …), to a sink.
 *
 * On one process (the embedded default) the sink is the hub. With several processes on NATS the
 * delivery runs once, in the channel relay (channel-relay.ts, roles `platform` and `all`), whose
 * sink puts each message on the real-time delivery log under its channel's subject; each gateway
 * takes from there only the channels its own clients subscribe to. Gateways used to read every
 * delivery event each, from a durable of their own: 1,000 market events/s to 500 gateways was
 * 500,000 messages/s out of nats-server, most of them for channels nobody on that gateway watched.
 */
import { onlyTypes, type ConsumerFactory, type StartPosition } from '@tickline/eventlog';
import type { ChannelDelivery, ChannelSink, Logger, Service } from '@tickline/kernel';
import { isValidChannelName, type RealtimeHost } from '@tickline/realtime';

/** The hub as deliveries see it: a channel name that is not one (a foreign producer) is skipped. */
export function channelSink(
  realtime: RealtimeHost,
  logger: Logger,
  options: { relay: boolean },
): ChannelSink {
  const publish = options.relay ? undefined : { relay: false };
  return {
    publish(channel, message) {
      if (isValidChannelName(channel)) realtime.hub.publish(channel, message, publish);
      else logger.warn({ id: message.id, type: message.type }, 'event names no valid channel; not delivered');
    },
    subscriberCount: (channel) => realtime.hub.subscriberCount(channel),
  };
}

export interface ChannelDeliveryWiring {
  delivery: ChannelDelivery;
  /** Where the channel messages go: the hub, or the delivery log. */
  sink: ChannelSink;
  consumers: ConsumerFactory;
  /** Where a new durable starts. @default the log head */
  start?: StartPosition;
}

/**
 * The delivery's consumer (durable `delivery.name`, new ones at the log head: live fan-out, not
 * replay) and its own services (a throttled ticker), to start in that order. Several processes
 * holding it (two platform processes) share it through the durable's lease: one delivers.
 */
export function channelDeliveryServices(wiring: ChannelDeliveryWiring): Service[] {
  const { delivery } = wiring;
  const handler = delivery.create(wiring.sink);
  const consumer = wiring.consumers({
    name: delivery.name,
    start: wiring.start ?? { from: 'latest' },
    handle: onlyTypes(delivery.eventTypes, async (events, context) =>
      handler.deliver(events, context.logger),
    ),
  });
  return [consumer, ...(handler.services ?? [])];
}
