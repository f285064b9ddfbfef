import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventSource, createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEventLog } from '../memory/memory-event-log.ts';
import { TestMoved } from '../publisher/test-events.ts';
import type { EventLog } from '../port/event-log.ts';
import { partitionIndex } from './partition-index.ts';
import { createPartitionedLogSet } from './partitioned-log-set.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('partitioned log set', () => {
  it('partitions - publishes by key, consumes each partition, opens a retired partition once and closes it', async () => {
    const spillDir = mkdtempSync(join(tmpdir(), 'tickline-partition-set-'));
    dirs.push(spillDir);
    const logs = Array.from({ length: 2 }, (_, i) => createInMemoryEventLog({ name: `game-${i}` }));
    const old = createInMemoryEventLog({ name: 'game-5' });
    let opened = 0;
    let closed = 0;
    const set = createPartitionedLogSet({
      name: 'game-publisher',
      logs,
      spillDir,
      metrics: createMetricsRegistry({ processMetrics: false }),
      logger: silentLogger,
      openRetired: async (name): Promise<EventLog | undefined> => {
        if (name !== 'game-5') return undefined;
        opened++;
        return Object.assign(Object.create(old) as EventLog, {
          close: async () => void closed++,
        });
      },
    });
    await set.start({ logger: silentLogger, fail: () => {} });
    const source = createEventSource({ source: 'zone/east' });
    set.publisher.publish(
      source.create(TestMoved, { subject: 'p', partitionkey: 'east', data: { n: 1, pad: '' } }),
    );
    expect(await set.publisher.flush(5_000)).toBe(true);
    const own = partitionIndex('east', 2);
    expect((await logs[own]!.read({ from: 1, limit: 10 })).map((r) => r.key)).toEqual(['east']);
    expect(await logs[1 - own]!.read({ from: 1, limit: 10 })).toEqual([]);
    // The current partitions by name; a retired one opened once however many ask at once.
    expect(await set.partitions.retired('game-1')).toBe(logs[1]);
    const [a, b] = await Promise.all([set.partitions.retired('game-5'), set.partitions.retired('game-5')]);
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(await set.partitions.retired('game-9')).toBeUndefined();
    expect(opened).toBe(1);
    expect(set.consumers).toHaveLength(2);
    await set.stop();
    expect(closed).toBe(1);
  });
});
