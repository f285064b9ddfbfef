import {
  createInMemoryEventLog,
  createPartitionedPublisher,
  createPublisher,
  partitionedLog,
  partitionIndex,
  type EventLog,
  type Publisher,
} from '@tickline/eventlog';
import { createMetricsRegistry, ManualClock, silentLogger } from '@tickline/kernel';
import { tempDir, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySnapshotStore } from '../snapshots/memory-snapshot-store.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { decodeZoneSnapshot } from '../snapshots/stored-snapshot.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import { Zone } from '../zone/zone.ts';
import { positionsOf, ScriptedPlayers } from './fixtures/scripted-players.ts';
import { recoverZone } from './recover-zone.ts';
import { partitionedZoneLogs, singleZoneLog, type ZoneLogs } from './zone-logs.ts';

const context = { logger: silentLogger, fail: () => {} };
const WORLD = 100;
const PARTITIONS = 4;
/** FNV-1a mod 4 puts these in partitions 1, 0, 3 and 2: one zone per partition. */
const ZONES = ['zone-1', 'zone-2', 'zone-3', 'zone-4'];

/** `log` with a count of the reads made of it (its methods bound to it: it has private fields). */
function counted(log: EventLog): EventLog & { reads: number } {
  const counter = { reads: 0 };
  return new Proxy(log, {
    get(target, key) {
      if (key === 'reads') return counter.reads;
      if (key === 'read')
        return (options: Parameters<EventLog['read']>[0]) => {
          counter.reads++;
          return target.read(options);
        };
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set(_target, key, value) {
      if (key !== 'reads') return false;
      counter.reads = value as number;
      return true;
    },
  }) as EventLog & { reads: number };
}

/**
 * The partitioned game log: four zones publishing through one partitioned publisher over four
 * logs; a zone's recovery reads its partition only, its snapshots name that partition, and after
 * the partition count changed a snapshot taken before still leads to the right events.
 */
describe('partitioned game log recovery', () => {
  let dir: TempDir;
  const clock = new ManualClock(1_700_000_000_000);
  const registry = createMetricsRegistry({ processMetrics: false });
  const main = counted(createInMemoryEventLog({ name: 'main' }));
  const partitions = Array.from({ length: PARTITIONS }, (_, i) =>
    counted(createInMemoryEventLog({ name: `game-${i}` })),
  );
  const logs: ZoneLogs = partitionedZoneLogs(partitionedLog(partitions), main);
  const hot = createMemorySnapshotStore();
  const optionsOf = (zoneId: string) => ({
    zoneId,
    clock,
    map: ObstacleMap.open(WORLD, WORLD, 1),
    maxPlayers: 200,
  });
  const live = new Map<string, Zone>();
  let publisher: Publisher;

  /** Runs every zone `ticks` ticks, each zone's events through `events`. */
  const play = async (ticks: number, events: Publisher) => {
    for (let tick = 0; tick < ticks; tick++)
      for (const [i, zone] of live) {
        for (const command of scripts.get(i)!.commands(zone)) zone.enqueue(command);
        for (const event of zone.step().events) events.publish(event);
        clock.advance(5);
      }
    expect(await events.flush(5_000)).toBe(true);
  };
  const scripts = new Map<string, ScriptedPlayers>();

  beforeAll(async () => {
    dir = await tempDir('tickline-game-partitions');
    publisher = createPartitionedPublisher(
      'game-publisher',
      partitions.map((log, i) =>
        createPublisher({ name: `p${i}`, log, spillDir: `${dir.path}/spill-${i}`, metrics: registry }),
      ),
    );
    await publisher.start(context);
    for (const zoneId of ZONES) {
      live.set(zoneId, new Zone(optionsOf(zoneId)));
      scripts.set(zoneId, new ScriptedPlayers({ count: 20, worldSize: WORLD, step: 0.9, churn: 0.02 }));
    }
    await play(30, publisher);
  });
  afterAll(async () => {
    await publisher?.stop();
    await dir?.remove();
  });

  it('partitions - each zone lands in one partition; a zone’s replay reads that partition only', async () => {
    expect(ZONES.map((z) => partitionIndex(z, PARTITIONS)).sort()).toEqual([0, 1, 2, 3]);
    for (const zoneId of ZONES) {
      for (const log of [main, ...partitions]) log.reads = 0;
      const own = partitions[partitionIndex(zoneId, PARTITIONS)]!;
      const r = await recoverZone({ zone: optionsOf(zoneId), logs, metrics: registry });
      expect(r.source).toBe('replay');
      expect(r.gaps).toBe(0);
      expect(r.zone.snapshot().lastEventSeq).toBe(live.get(zoneId)!.snapshot().lastEventSeq);
      expect(positionsOf(r.zone)).toEqual(positionsOf(live.get(zoneId)!));
      expect(own.reads).toBeGreaterThan(0);
      for (const other of [main, ...partitions].filter((log) => log !== own)) expect(other.reads).toBe(0);
      // Every record it scanned is its own: the partition holds no other zone.
      expect(r.replay!.scanned).toBe(r.replay!.applied);
    }
  });

  it('partitions - a snapshot names its zone’s partition; recovery resumes there after it', async () => {
    const scheduler = new SnapshotScheduler({ hot, logs, metrics: registry, clock });
    for (const [zoneId, zone] of live) scheduler.add({ zoneId, zone });
    await scheduler.start(context);
    for (const zoneId of ZONES) await scheduler.takeNow(zoneId, 'hot');
    await scheduler.stop();
    await play(10, publisher);
    for (const zoneId of ZONES) {
      const stored = (await hot.latest(zoneId))!;
      const own = partitions[partitionIndex(zoneId, PARTITIONS)]!;
      expect(decodeZoneSnapshot(stored.bytes).lastLogPosition).toBe(`${own.name}@${stored.logPosition}`);
      for (const log of [main, ...partitions]) log.reads = 0;
      const r = await recoverZone({ zone: optionsOf(zoneId), hot, logs, metrics: registry });
      expect(r.source).toBe('hot');
      expect(r.replay!.applied).toBeGreaterThan(0);
      expect(positionsOf(r.zone)).toEqual(positionsOf(live.get(zoneId)!));
      for (const other of [main, ...partitions].filter((log) => log !== own)) expect(other.reads).toBe(0);
    }
  });

  it('partitions - from one log to four: a snapshot in the main log, then the zone’s new partition', async () => {
    const zoneId = 'zone-9';
    const zone = new Zone(optionsOf(zoneId));
    const script = new ScriptedPlayers({ count: 20, worldSize: WORLD, step: 0.9, churn: 0.02 });
    const before = createMemorySnapshotStore();
    const toMain = createPublisher({
      name: 'main',
      log: main,
      spillDir: `${dir.path}/spill-main`,
      metrics: registry,
    });
    await toMain.start(context);
    const run = async (ticks: number, events: Publisher) => {
      for (let tick = 0; tick < ticks; tick++) {
        for (const command of script.commands(zone)) zone.enqueue(command);
        for (const event of zone.step().events) events.publish(event);
        clock.advance(5);
      }
      expect(await events.flush(5_000)).toBe(true);
    };
    // Unpartitioned: events and a snapshot (a bare offset) in the main log, then more events there.
    await run(10, toMain);
    const scheduler = new SnapshotScheduler({ hot: before, log: main, metrics: registry, clock });
    scheduler.add({ zoneId, zone });
    await scheduler.start(context);
    await scheduler.takeNow(zoneId, 'hot');
    await scheduler.stop();
    await run(10, toMain);
    await toMain.stop();
    expect(decodeZoneSnapshot((await before.latest(zoneId))!.bytes).lastLogPosition).toMatch(/^\d+$/);
    // Partitioned from here on: the zone's next events go to its partition.
    await run(10, publisher);
    const r = await recoverZone({ zone: optionsOf(zoneId), hot: before, logs, metrics: registry });
    expect(r.gaps).toBe(0);
    expect(r.zone.snapshot().lastEventSeq).toBe(zone.snapshot().lastEventSeq);
    expect(positionsOf(r.zone)).toEqual(positionsOf(zone));
    // Unpartitioned recovery of the same snapshot misses the partition's events: the layout matters.
    const single = await recoverZone({
      zone: optionsOf(zoneId),
      hot: before,
      logs: singleZoneLog(main),
      metrics: registry,
    });
    expect(single.zone.snapshot().lastEventSeq).toBeLessThan(zone.snapshot().lastEventSeq);
  });
});
