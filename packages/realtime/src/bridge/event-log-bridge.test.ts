import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, createInMemoryEventLog, type EventLog } from '@tickline/eventlog';
import { uuidv7 } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../hub/hub.ts';
import type { HubMessage } from '../hub/hub-message.ts';
import { decodeBridgeRecord, encodeBridgeRecord } from './bridge-record.ts';
import { createEventLogBridge, type EventLogBridge } from './event-log-bridge.ts';

interface Node {
  hub: Hub;
  bridge: EventLogBridge;
  received: HubMessage[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function node(log: EventLog, nodeId: string): Promise<Node> {
  const hub = createHub();
  const bridge = createEventLogBridge({ log, hub, nodeId, fetchWaitMs: 50 });
  const received: HubMessage[] = [];
  hub.subscribe(['user:u1', 'market:BTC-USD:trades'], { deliver: (m) => received.push(m) });
  await bridge.start();
  cleanups.push(async () => {
    await bridge.stop();
    hub.close();
  });
  return { hub, bridge, received };
}

async function crossNodeFanOut(log: EventLog): Promise<void> {
  const a = await node(log, 'node-a');
  const b = await node(log, 'node-b');
  const ids: string[] = [];
  for (let n = 0; n < 20; n++) {
    const id = uuidv7();
    ids.push(id);
    (n % 2 === 0 ? a : b).hub.publish(n % 3 === 0 ? 'market:BTC-USD:trades' : 'user:u1', {
      id,
      type: 'test.event',
      data: { n },
    });
  }
  // Every node delivers every event once: its own at once, the other's through the log.
  await until(() => a.received.length >= 20 && b.received.length >= 20);
  await until(() => a.bridge.stats().ownSkipped === 10 && b.bridge.stats().ownSkipped === 10);
  for (const { received } of [a, b]) {
    expect(received.map((m) => m.id).sort()).toEqual([...ids].sort());
  }
  expect(a.bridge.stats()).toMatchObject({ relayed: 10, appended: 10, appendDropped: 0, undecodable: 0 });
  expect(b.bridge.stats()).toMatchObject({ relayed: 10, appended: 10, appendDropped: 0 });
  // Per publishing node, order holds on the other node.
  const fromA = ids.filter((_, n) => n % 2 === 0);
  expect(b.received.map((m) => m.id).filter((id) => fromA.includes(id))).toEqual(fromA);
}

describe('bridge - cross-node fan-out', () => {
  it('bridge - two hubs on one in-memory log each deliver every event exactly once', async () => {
    const log = createInMemoryEventLog();
    cleanups.push(() => log.close());
    await crossNodeFanOut(log);
  });

  it('bridge - two hubs on one embedded log each deliver every event exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickline-rt-bridge-'));
    const log = await createEmbeddedEventLog({ dir, fsync: 'never' });
    cleanups.push(async () => {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    });
    await crossNodeFanOut(log);
  });

  it('bridge - a redelivered record is dropped by the hub as a duplicate', async () => {
    const log = createInMemoryEventLog();
    cleanups.push(() => log.close());
    const b = await node(log, 'node-b');
    const event = { id: uuidv7(), type: 'test.event', data: {} };
    await log.append([encodeBridgeRecord('node-a', 'user:u1', event)]);
    await log.append([{ ...encodeBridgeRecord('node-a', 'user:u1', event), id: 'other-record-id' }]);
    await until(() => b.bridge.stats().relayed + b.bridge.stats().duplicates === 2);
    expect(b.received).toHaveLength(1);
    expect(b.bridge.stats().duplicates).toBe(1);
  });

  it('bridge - starts at the head: records appended before start are not replayed', async () => {
    const log = createInMemoryEventLog();
    cleanups.push(() => log.close());
    await log.append([
      encodeBridgeRecord('node-a', 'user:u1', { id: uuidv7(), type: 'old.event', data: {} }),
    ]);
    const b = await node(log, 'node-b');
    await log.append([
      encodeBridgeRecord('node-a', 'user:u1', { id: uuidv7(), type: 'new.event', data: {} }),
    ]);
    await until(() => b.received.length === 1);
    expect(b.received[0]!.type).toBe('new.event');
  });

  it('bridge - foreign or corrupt records are counted and skipped', async () => {
    const log = createInMemoryEventLog();
    cleanups.push(() => log.close());
    const b = await node(log, 'node-b');
    await log.append([
      { id: 'x1', key: 'k', type: 't', payload: new Uint8Array([9, 1, 2]) },
      { id: 'x2', key: 'k', type: 't', payload: Buffer.from('\u0001{not json') },
      encodeBridgeRecord('node-a', 'bad channel', { id: uuidv7(), type: 't', data: 1 }),
    ]);
    await until(() => b.bridge.stats().undecodable === 3);
    expect(b.received).toHaveLength(0);
  });

  it('bridge - records round-trip through the codec', () => {
    const event = { id: uuidv7(), type: 'market.trade', data: { p: 1.5, s: 'x' } };
    const record = encodeBridgeRecord('n1', 'market:X', event);
    expect(record.id).toBe(`market:X|${event.id}`);
    expect(decodeBridgeRecord({ ...record, offset: 1, time: 0 })).toEqual({
      origin: 'n1',
      channel: 'market:X',
      event,
    });
  });
});
