/**
 * @module A domain's channel delivery on a process that holds a hub: the consumer that reads the
 * domain's events from the log and hands them to the hub (`market:{symbol}:trades`,
 * `user:{id}`, …).
 *
 * With several gateways (NATS engine, each process a node id) every gateway reads every delivery
 * event itself, from its own durable `<name>-<nodeId>`, and publishes it on its hub without
 * relaying it to the fan-out log. The first design shared one durable between the gateways: one
 * took each event and the event-log bridge appended it again for the others, so half the
 * subscribers of two gateways waited one log append and fetch more, every delivery event was
 * written to the log twice, and a gateway's latest-value store (the ticker and sources routes)
 * saw only the trades that happened to reach it. Reading an event costs a gateway one decode;
 * writing it to its share of the sockets costs thousands of times that.
 */
import { onlyTypes, type ConsumerFactory } from '@tickline/eventlog';
import type { ChannelDelivery, ChannelSink, Logger, Service } from '@tickline/kernel';
import { DEFAULT_HISTORY_MAX_AGE_MS, isValidChannelName, type RealtimeHost } from '@tickline/realtime';

/**
 * How long a gateway's own delivery durable outlives the gateway. Back within it, the gateway
 * resumes where it stopped (the events it missed go into its history for resuming clients);
 * later, nothing it could replay is still inside any channel's history, and a new durable starts
 * at the head. A replaced process (new node id) leaves nothing behind after it.
 */
export const NODE_DELIVERY_EXPIRY_MS = DEFAULT_HISTORY_MAX_AGE_MS;

/** The hub as deliveries see it: a channel name that is not one (a foreign producer) is skipped. */
export function channelSink(realtime: RealtimeHost, logger: Logger, options: { relay: boolean }): ChannelSink {
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
  realtime: RealtimeHost;
  consumers: ConsumerFactory;
  /** This process's node id when several processes share the log; absent on the embedded log. */
  nodeId: string | undefined;
  logger: Logger;
}

/** The delivery's consumer and its own services (a throttled ticker), to start in that order. */
export function channelDeliveryServices(wiring: ChannelDeliveryWiring): Service[] {
  const { delivery, nodeId } = wiring;
  // On one process the hub is the only one: relaying would have nobody to reach.
  const handler = delivery.create(channelSink(wiring.realtime, wiring.logger, { relay: false }));
  const consumer = wiring.consumers({
    name: nodeId === undefined ? delivery.name : `${delivery.name}-${nodeId}`,
    start: { from: 'latest' },
    ...(nodeId === undefined ? {} : { expireAfterMs: NODE_DELIVERY_EXPIRY_MS }),
    handle: onlyTypes(delivery.eventTypes, async (events, context) => handler.deliver(events, context.logger)),
  });
  return [consumer, ...(handler.services ?? [])];
}
