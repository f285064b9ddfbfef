import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventSource, decodeEvent, silentLogger } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEventLog } from '../memory/memory-event-log.ts';
import { createPublisher } from '../publisher/publisher.ts';
import { TestMoved } from '../publisher/test-events.ts';
import { partitionIndex } from './partition-index.ts';
import { createPartitionedPublisher } from './partitioned-publisher.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('partitioned publisher', () => {
  it('partitions - each key’s events go to its partition’s log, in order; stats add up', async () => {
    const logs = Array.from({ length: 4 }, (_, p) => createInMemoryEventLog({ name: `game-${p}` }));
    const publishers = logs.map((log, p) => {
      const spillDir = mkdtempSync(join(tmpdir(), `tickline-partition-${p}-`));
      dirs.push(spillDir);
      return createPublisher({ log, spillDir });
    });
    const publisher = createPartitionedPublisher('game-publisher', publishers);
    await publisher.start({ logger: silentLogger, fail: () => {} });
    const zones = ['east', 'west', 'north', 'south', 'zone-9'];
    const sources = new Map(zones.map((z) => [z, createEventSource({ source: `zone/${z}` })]));
    for (let i = 0; i < 50; i++)
      for (const zone of zones)
        publisher.publish(
          sources.get(zone)!.create(TestMoved, { subject: 'p', partitionkey: zone, data: { n: i, pad: '' } }),
        );
    expect(await publisher.flush(5_000)).toBe(true);
    expect(publisher.stats().published).toBe(250);
    for (const zone of zones) {
      const log = logs[partitionIndex(zone, 4)]!;
      const records = (await log.read({ from: 1, limit: 1_000 })).filter((r) => r.key === zone);
      expect(records.map((r) => decodeEvent(r.payload).seq)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      for (const other of logs.filter((l) => l !== log))
        expect((await other.read({ from: 1, limit: 1_000 })).some((r) => r.key === zone)).toBe(false);
    }
    await publisher.stop();
  });
});
