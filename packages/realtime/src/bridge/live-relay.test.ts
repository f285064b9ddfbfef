import { createInMemoryEventLog } from '@tickline/eventlog';
import { uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createHub, type Subscriber } from '../hub/hub.ts';
import type { HubMessage } from '../hub/hub-message.ts';
import { until } from '@tickline/testing';
import { createEventLogBridge } from './event-log-bridge.ts';
import { createLiveRelay } from './live-relay.ts';

describe('live relay', () => {
  it('live - a collector’s live-only message reaches the subscribers of every gateway through the fan-out log', async () => {
    const log = createInMemoryEventLog();
    const channel = 'market:BTC-USDT:candles:1m';
    const gateways = ['gw-a', 'gw-b'].map((nodeId) => {
      const hub = createHub();
      const received: HubMessage[] = [];
      const subscriber: Subscriber = { deliver: (m) => received.push(m) };
      return { hub, received, subscriber, bridge: createEventLogBridge({ log, hub, nodeId }) };
    });
    for (const g of gateways) {
      await g.bridge.start();
      await g.bridge.ensure([channel]);
      g.hub.subscribe([channel], g.subscriber);
    }
    try {
      const relay = createLiveRelay({ append: (record) => void log.append([record]) });
      const event = { id: uuidv7(), type: 'market.candle.updated', data: { close: 1 } };
      relay.publish(channel, event);
      await until(() => gateways.every((g) => g.received.length === 1), {
        timeoutMs: 5_000,
        what: 'both gateways',
      });
      expect(gateways.map((g) => g.received[0]!.id)).toEqual([event.id, event.id]);
    } finally {
      for (const g of gateways) await g.bridge.stop();
    }
  });
});
