import { createInMemoryEventLog, type InterestLog, type LogRecord } from '@tickline/eventlog';
import { uuidv7 } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub, type Hub, type Subscriber } from '../hub/hub.ts';
import type { HubEvent, HubMessage } from '../hub/hub-message.ts';
import { decodeBridgeRecord, encodeBridgeRecord } from './bridge-record.ts';
import { createEventLogBridge, type EventLogBridge } from './event-log-bridge.ts';

const BTC = 'market:BTC-USDT:trades';
const ETH = 'market:ETH-USDT:trades';

interface Gateway {
  hub: Hub;
  bridge: EventLogBridge;
  /** Subscribes a client (after the channels' interest is ready, as the gateway does). */
  client(
    channels: string[],
    lastEventId?: string,
  ): Promise<{ received: HubMessage[]; subscriber: Subscriber }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateway(log: InterestLog, nodeId: string, graceMs = 60_000): Promise<Gateway> {
  const hub = createHub();
  const bridge = createEventLogBridge({ log, hub, nodeId, graceMs });
  await bridge.start();
  cleanups.push(async () => {
    await bridge.stop();
    hub.close();
  });
  return {
    hub,
    bridge,
    async client(channels, lastEventId) {
      const received: HubMessage[] = [];
      const subscriber: Subscriber = { deliver: (m) => received.push(m) };
      await bridge.ensure(channels);
      const plan = hub.subscribe(channels, subscriber, lastEventId);
      received.push(...plan.replay);
      return { received, subscriber };
    },
  };
}

function memoryLog(): InterestLog {
  const log = createInMemoryEventLog();
  cleanups.push(() => log.close());
  return log;
}

/** What a relay (or another gateway) appends for `channel`. */
async function produce(log: InterestLog, channel: string, count: number): Promise<HubEvent[]> {
  const events = Array.from({ length: count }, (_, n) => ({
    id: uuidv7(),
    type: 'market.trade',
    data: { n },
  }));
  await log.append(events.map((event) => encodeBridgeRecord('relay-1', channel, event)));
  return events;
}

const ids = (messages: readonly { id: string }[]) => messages.map((m) => m.id);

describe('bridge - delivery by interest', () => {
  it('interest - each gateway takes from the log only the channels its clients want', async () => {
    const log = memoryLog();
    const a = await gateway(log, 'gw-a');
    const b = await gateway(log, 'gw-b');
    const onA = await a.client([BTC]);
    const onB = await b.client([ETH]);
    const btc = await produce(log, BTC, 5);
    const eth = await produce(log, ETH, 3);
    await until(() => onA.received.length === 5 && onB.received.length === 3);
    expect(ids(onA.received)).toEqual(ids(btc));
    expect(ids(onB.received)).toEqual(ids(eth));
    expect(a.bridge.stats()).toMatchObject({ received: 5, relayed: 5, channels: 1 });
    expect(b.bridge.stats()).toMatchObject({ received: 3, relayed: 3, channels: 1 });
    expect(a.hub.stats().channels).toBe(1);
  });

  it('interest - a channel starts from its history: a client resumes with an id from another gateway, no gap', async () => {
    const log = memoryLog();
    const a = await gateway(log, 'gw-a');
    const onA = await a.client([BTC]);
    const before = await produce(log, BTC, 4);
    await until(() => onA.received.length === 4);
    // The client moves: its last id came from gateway A, and more was published meanwhile.
    const missed = await produce(log, BTC, 3);
    const b = await gateway(log, 'gw-b');
    const onB = await b.client([BTC], before[3]!.id);
    expect(ids(onB.received)).toEqual(ids(missed));
    const after = await produce(log, BTC, 2);
    await until(() => onB.received.length === 5);
    expect(ids(onB.received)).toEqual(ids([...missed, ...after]));
    expect(b.bridge.stats()).toMatchObject({ historyReceived: 7, duplicates: 0 });
  });

  it('interest - a gateway lets a channel go after the grace period, then starts it again from the log', async () => {
    const log = memoryLog();
    const a = await gateway(log, 'gw-a', 100);
    const first = await a.client([BTC]);
    await produce(log, BTC, 2);
    await until(() => first.received.length === 2);
    a.hub.unsubscribe([BTC], first.subscriber);
    await until(() => a.bridge.stats().drops === 1, { timeoutMs: 10_000 });
    expect(a.bridge.stats().channels).toBe(0);
    const received = a.bridge.stats().received;
    const unwatched = await produce(log, BTC, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.bridge.stats().received).toBe(received);
    // Back: the history has what it missed, in order, after what it had.
    const again = await a.client([BTC], first.received[1]!.id);
    expect(ids(again.received)).toEqual(ids(unwatched));
  });

  it('interest - a subscribed channel is kept past the grace period', async () => {
    const log = memoryLog();
    const a = await gateway(log, 'gw-a', 50);
    const client = await a.client([BTC]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = await produce(log, BTC, 2);
    await until(() => client.received.length === 2);
    expect(ids(client.received)).toEqual(ids(events));
    expect(a.bridge.stats().drops).toBe(0);
  });

  it('interest - local publishes reach the other gateway once; a gateway skips its own coming back', async () => {
    const log = memoryLog();
    const a = await gateway(log, 'gw-a');
    const b = await gateway(log, 'gw-b');
    const onA = await a.client(['user:u1']);
    const onB = await b.client(['user:u1']);
    const events = Array.from({ length: 6 }, (_, n) => ({ id: uuidv7(), type: 'test.event', data: { n } }));
    for (const [n, event] of events.entries()) (n % 2 === 0 ? a : b).hub.publish('user:u1', event);
    await until(() => onA.received.length === 6 && onB.received.length === 6);
    await until(() => a.bridge.stats().ownSkipped === 3 && b.bridge.stats().ownSkipped === 3);
    expect(ids(onA.received).sort()).toEqual(ids(events).sort());
    expect(ids(onB.received).sort()).toEqual(ids(events).sort());
    // Per publishing node, order holds on the other node.
    const fromA = ids(events.filter((_, n) => n % 2 === 0));
    expect(ids(onB.received).filter((id) => fromA.includes(id))).toEqual(fromA);
    expect(a.bridge.stats()).toMatchObject({ appended: 3, relayed: 3, appendDropped: 0 });
  });

  it('interest - after the log comes back, what the watch missed is read again, in order', async () => {
    const inner = createInMemoryEventLog();
    cleanups.push(() => inner.close());
    // A connection that drops: the watches miss what is appended while it is away.
    let away = false;
    const log: InterestLog = {
      name: inner.name,
      append: (records) => inner.append(records),
      read: (options) => inner.read(options),
      head: () => inner.head(),
      consumer: (name, options) => inner.consumer(name, options),
      consumers: () => inner.consumers(),
      resetConsumer: (name, start) => inner.resetConsumer(name, start),
      health: () => inner.health(),
      close: () => inner.close(),
      keyHistory: (key, options) => inner.keyHistory(key, options),
      lastOfKey: (key) => inner.lastOfKey(key),
      onReconnect: (listener) => inner.onReconnect(listener),
      watchKey: (key: string, onRecord: (r: LogRecord) => void) =>
        inner.watchKey(key, (r) => {
          if (!away) onRecord(r);
        }),
    };
    const a = await gateway(log, 'gw-a');
    const client = await a.client([BTC]);
    const before = await produce(inner, BTC, 2);
    away = true;
    const missed = await produce(inner, BTC, 3);
    away = false;
    inner.setConnected(false);
    inner.setConnected(true);
    const after = await produce(inner, BTC, 1);
    await until(() => client.received.length === 6);
    expect(ids(client.received)).toEqual(ids([...before, ...missed, ...after]));
  });

  it('interest - the newest message of a channel is read from the log on demand', async () => {
    const log = memoryLog();
    const a = await gateway(log, 'gw-a');
    const events = await produce(log, 'market:BTC-USDT:ticker', 3);
    expect(await a.bridge.latest('market:BTC-USDT:ticker')).toEqual(events[2]);
    expect(await a.bridge.latest('market:NONE:ticker')).toBeUndefined();
    expect(a.bridge.stats().channels).toBe(0);
  });

  it('bridge - foreign or corrupt records are counted and skipped', async () => {
    const log = memoryLog();
    const b = await gateway(log, 'gw-b');
    const client = await b.client([BTC]);
    const key = encodeBridgeRecord('x', BTC, { id: uuidv7(), type: 't', data: 1 }).key;
    await log.append([
      { id: 'x1', key, type: 't', payload: new Uint8Array([9, 1, 2]) },
      { id: 'x2', key, type: 't', payload: Buffer.from('\u0001{not json') },
    ]);
    await until(() => b.bridge.stats().undecodable === 2);
    expect(client.received).toHaveLength(0);
  });

  it('bridge - records round-trip through the codec, keyed by the channel', () => {
    const event = { id: uuidv7(), type: 'market.trade', data: { p: 1.5, s: 'x' } };
    const record = encodeBridgeRecord('n1', 'market:X', event);
    expect(record.id).toBe(`market:X|${event.id}`);
    expect(record.key).toBe('c:market:X');
    expect(encodeBridgeRecord('n1', 'user:0193', event).key).toMatch(/^h:user:[A-Za-z0-9_-]{22}$/);
    expect(decodeBridgeRecord({ ...record, offset: 1, time: 0 })).toEqual({
      origin: 'n1',
      channel: 'market:X',
      event,
    });
  });
});
