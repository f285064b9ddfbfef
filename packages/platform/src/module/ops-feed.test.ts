import { silentLogger } from '@tickline/kernel';
import { PlatformError } from '../errors.ts';
import type { PlatformOperations } from '../operations/platform-operations.ts';
import type { StreamOverview } from '../streams/stream-overview.ts';
import { createHub, type HubMessage } from '@tickline/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '@tickline/testing';
import { AdminChannel, createOpsFeed } from './ops-feed.ts';
import { createFakeZones } from '../testing/fake-zones.ts';

const hub = createHub();
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function watcher(channel: string) {
  const messages: HubMessage[] = [];
  const subscriber = { deliver: (m: HubMessage) => void messages.push(m) };
  hub.subscribe([channel], subscriber);
  return { messages, stop: () => hub.unsubscribe([channel], subscriber) };
}

async function feed(operations: Pick<PlatformOperations, 'zones' | 'streams'>) {
  let reads = 0;
  const counted = {
    zones: () => {
      reads++;
      return operations.zones();
    },
    streams: () => {
      reads++;
      return operations.streams();
    },
  };
  const service = createOpsFeed({ hub, operations: counted, intervalMs: 5 });
  await service.start({ logger: silentLogger, fail: () => {} });
  stops.push(() => service.stop());
  return { reads: () => reads };
}

describe('ops feed', () => {
  it('ops feed - publishes zone status and the stream overview only while watched', async () => {
    const zones = createFakeZones();
    const overview = { rates: { total: 3 } } as unknown as StreamOverview;
    const { reads } = await feed({ zones: () => zones.zones(), streams: async () => overview });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads()).toBe(0);
    const onZones = watcher(AdminChannel.Zones.channel);
    const onStreams = watcher(AdminChannel.Streams.channel);
    await until(() => onZones.messages.length >= 2 && onStreams.messages.length >= 2, {
      timeoutMs: 5_000,
      what: 'two beats',
    });
    expect(onZones.messages[0]).toMatchObject({ type: 'admin.zones' });
    expect(onStreams.messages[0]).toMatchObject({ type: 'admin.streams' });
    onZones.stop();
    onStreams.stop();
  });

  it('ops feed - a process without zones publishes the streams and skips the zones', async () => {
    const unavailable = async () => {
      throw new PlatformError('PLATFORM_UNAVAILABLE', 'no zones');
    };
    await feed({ zones: unavailable, streams: async () => ({}) as StreamOverview });
    const onZones = watcher(AdminChannel.Zones.channel);
    const onStreams = watcher(AdminChannel.Streams.channel);
    await until(() => onStreams.messages.length >= 2, { timeoutMs: 5_000, what: 'two beats' });
    expect(onZones.messages).toEqual([]);
    onZones.stop();
    onStreams.stop();
  });
});
