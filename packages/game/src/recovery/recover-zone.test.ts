import { createEmbeddedEventLog, createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import { createMetricsRegistry, ManualClock, silentLogger, type Registry } from '@tickline/kernel';
import { tempDir, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySnapshotStore } from '../snapshots/memory-snapshot-store.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import { Zone } from '../zone/zone.ts';
import { positionsOf, ScriptedPlayers } from './fixtures/scripted-players.ts';
import { recoverZone } from './recover-zone.ts';

const context = { logger: silentLogger, fail: () => {} };
const WORLD = 100;

/**
 * Property: a recovered zone equals the live zone as it was at the last event it holds — the
 * snapshot's, or the log's last one when the log goes further — whatever the source.
 */
describe('zone recovery', () => {
  let dir: TempDir;
  let log: EventLog;
  let publisher: Publisher;
  let registry: Registry;
  const clock = new ManualClock(1_700_000_000_000);
  const zoneOptions = { zoneId: 'z1', clock, map: ObstacleMap.open(WORLD, WORLD, 1), maxPlayers: 200 };
  /** Live positions after each tick, by the zone's last event seq then. */
  const liveAt = new Map<number, ReturnType<typeof positionsOf>>();
  const hot = createMemorySnapshotStore({ maxPerZone: 10 });
  const cold = createMemorySnapshotStore();
  let lastLoggedSeq = 0;

  beforeAll(async () => {
    dir = await tempDir('tickline-game-recovery');
    registry = createMetricsRegistry({ processMetrics: false });
    log = await createEmbeddedEventLog({ dir: `${dir.path}/log`, metrics: registry });
    publisher = createPublisher({ log, spillDir: `${dir.path}/spill`, metrics: registry });
    await publisher.start(context);
    const zone = new Zone(zoneOptions);
    const script = new ScriptedPlayers({ count: 60, worldSize: WORLD, step: 0.9, churn: 0.02 });
    // The rounds below are the test's own: the beats' real-time intervals must never fire (at load
    // 16 the 60 ticks took longer than the default hot interval, and a fourth hot snapshot appeared).
    const scheduler = new SnapshotScheduler({
      hot,
      cold,
      log,
      metrics: registry,
      clock,
      hotIntervalMs: 3_600_000,
      coldIntervalMs: 3_600_000,
    });
    scheduler.add({ zoneId: 'z1', zone });
    await scheduler.start(context);
    let seq = 0;
    for (let tick = 1; tick <= 60; tick++) {
      for (const command of script.commands(zone)) zone.enqueue(command);
      const { events } = zone.step();
      clock.advance(50);
      // Ticks after 50 never reach the log: the process "crashes" with them in memory.
      for (const event of events) if (tick <= 50) publisher.publish(event);
      seq = events.at(-1)?.seq ?? seq;
      liveAt.set(seq, positionsOf(zone));
      if (tick === 50) lastLoggedSeq = seq;
      if (tick === 15) await scheduler.runRound('cold');
      if (tick === 10 || tick === 30 || tick === 55) {
        await publisher.flush();
        await scheduler.runRound('hot');
      }
    }
    expect(await publisher.flush()).toBe(true);
    await scheduler.stop();
    // The crash: the zone, the scheduler and the memory queue are gone; the log and stores stay.
  });
  afterAll(async () => {
    await publisher?.stop();
    await log?.close();
    await dir?.remove();
  });

  const expectEqualsLive = (zone: Zone, expectedSeq: number) => {
    const seq = zone.snapshot().lastEventSeq;
    expect(seq).toBe(expectedSeq);
    expect(positionsOf(zone)).toEqual(liveAt.get(seq));
  };

  it('zone recovery - from the hot snapshot: the state it holds, ahead of a log that lost its tail', async () => {
    const r = await recoverZone({ zone: zoneOptions, hot, cold, log, metrics: registry });
    expect(r.source).toBe('hot');
    expect(r.snapshot?.tick).toBe(55);
    expect(r.snapshot!.eventSeq).toBeGreaterThan(lastLoggedSeq);
    expect(r.replay?.applied).toBe(0);
    expectEqualsLive(r.zone, r.snapshot!.eventSeq);
  });

  it('zone recovery - from every older hot snapshot plus replay: the state at the log’s last event', async () => {
    const snapshots = await hot.list('z1');
    expect(snapshots.map((s) => s.tick)).toEqual([55, 30, 10]);
    for (const info of snapshots.slice(1)) {
      const only = createMemorySnapshotStore();
      await only.put((await hot.get(info.id))!);
      const r = await recoverZone({ zone: zoneOptions, hot: only, log, metrics: registry });
      expect(r.source).toBe('hot');
      expect(r.replay!.applied).toBeGreaterThan(0);
      expectEqualsLive(r.zone, lastLoggedSeq);
    }
  });

  it('zone recovery - hot store empty or down: the cold snapshot plus replay', async () => {
    const down: SnapshotStore = {
      ...createMemorySnapshotStore(),
      latest: () => Promise.reject(new Error('down')),
    };
    for (const hotStore of [createMemorySnapshotStore(), down]) {
      const r = await recoverZone({ zone: zoneOptions, hot: hotStore, cold, log, metrics: registry });
      expect(r.source).toBe('cold');
      expect(r.snapshot?.tick).toBe(15);
      expect(r.attempts[0]).toMatchObject({
        source: 'hot',
        outcome: hotStore === down ? 'failed' : 'missing',
      });
      expectEqualsLive(r.zone, lastLoggedSeq);
    }
  });

  it('zone recovery - no snapshot at all: replay from the beginning of the log', async () => {
    const r = await recoverZone({ zone: zoneOptions, log, metrics: registry });
    expect(r.source).toBe('replay');
    expect(r.replay!.applied).toBe(lastLoggedSeq);
    expect(r.gaps).toBe(0);
    expectEqualsLive(r.zone, lastLoggedSeq);
  });

  it('zone recovery - a recovered zone keeps playing and continues the event sequence', async () => {
    const r = await recoverZone({ zone: zoneOptions, hot, cold, log, metrics: registry });
    const before = r.zone.snapshot().lastEventSeq;
    r.zone.enqueue({ kind: 'join', playerId: 'newcomer', seq: 1, x: 5, y: 5 });
    const { events } = r.zone.step();
    expect(events.map((e) => e.seq)).toEqual([before + 1]);
  });

  it('zone recovery - the time is measured and observed per source', async () => {
    const r = await recoverZone({ zone: zoneOptions, cold, log, metrics: registry });
    expect(r.durationMs).toBeGreaterThan(0);
    const metric = await registry.getSingleMetric('tickline_game_recovery_seconds')!.get();
    const count = (source: string) =>
      metric.values.find(
        (v) => (v as { metricName?: string }).metricName?.endsWith('_count') && v.labels.source === source,
      )?.value ?? 0;
    expect(count('cold')).toBeGreaterThanOrEqual(1);
    expect(count('replay')).toBeGreaterThanOrEqual(1);
  });
});
