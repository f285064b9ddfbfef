/**
 * @module The live-only path from a process without a hub (a collector) to every gateway's
 * subscribers. Some events are worth delivering but not keeping: a forming candle or an indicator
 * update is superseded within a second and can be recomputed from the trades, yet was 77 % of
 * what the default simulator wrote to the durable log. Those are appended, as hub messages for
 * their channels, to the real-time fan-out log that gateways already tail (its own short-lived
 * stream, never read by domain consumers); each gateway's event-log bridge relays them into its
 * hub like a message published on another gateway. In one process (the embedded default) there
 * is no bridge: the producer hands such events to the hub directly.
 */
import { uuidv7 } from '@tickline/kernel';
import type { AppendRecord } from '@tickline/eventlog';
import type { HubEvent } from '../hub/hub-message.ts';
import { encodeBridgeRecord } from './bridge-record.ts';

/** Options for {@link createLiveRelay}. */
export interface LiveRelayOptions {
  /** Appends to the real-time fan-out log: a Publisher (outage buffer) or the log itself. */
  append: (record: AppendRecord) => void;
  /** Names this producer as the origin; never a gateway's node id. @default `live-<uuidv7>` */
  origin?: string;
}

/** Publishes live-only messages to every gateway. */
export interface LiveRelay {
  readonly origin: string;
  publish(channel: string, event: HubEvent): void;
}

export function createLiveRelay(options: LiveRelayOptions): LiveRelay {
  const origin = options.origin ?? `live-${uuidv7()}`;
  return {
    origin,
    publish(channel, event) {
      options.append(encodeBridgeRecord(origin, channel, event));
    },
  };
}
