import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { createMetricsRegistry, ManualClock, silentLogger } from '@tickline/kernel';
import { tempDir } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../loop/scheduler.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import { createMemorySnapshotStore } from '../snapshots/memory-snapshot-store.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import { positionsOf, ScriptedPlayers } from './fixtures/scripted-players.ts';
import { createZonePersistence } from './zone-persistence.ts';

const context = { logger: silentLogger, fail: () => {} };

describe('zone persistence', () => {
  it('zone persistence - a tracked runner is snapshotted; a restart recovers it through the same service', async () => {
    const dir = await tempDir('tickline-zone-persistence');
    const clock = new ManualClock(1_700_000_000_000);
    const metrics = createMetricsRegistry({ processMetrics: false });
    const log = createInMemoryEventLog();
    const publisher = createPublisher({ log, spillDir: dir.path, metrics });
    await publisher.start(context);
    const hot = createMemorySnapshotStore();
    const zoneOptions = { zoneId: 'z1', clock, map: ObstacleMap.open(50, 50, 1) };
    try {
      const first = createZonePersistence({ hot, log, metrics, clock });
      await first.start(context);
      const zone = await first.recover(zoneOptions);
      expect(first.recoveries().get('z1')).toMatchObject({ source: 'replay', replay: { applied: 0 } });
      const runner = new ZoneRunner({
        zone,
        events: publisher,
        metrics,
        clock,
        scheduler: new ManualScheduler(),
      });
      first.track(runner);
      runner.start();
      const script = new ScriptedPlayers({ count: 20, worldSize: 50, step: 0.9 });
      for (let t = 0; t < 30; t++) {
        for (const command of script.commands(runner.zone)) runner.submit(command);
        clock.advance(runner.periodMs);
        expect(runner.runDue()).toBe(1);
      }
      await first.scheduler.runRound('hot');
      expect(first.admin.zones()).toEqual([
        { zoneId: 'z1', tick: 30, players: 20, paused: false, draining: false },
      ]);
      await publisher.flush();
      const live = positionsOf(runner.zone);
      runner.stop();
      await first.stop();

      const second = createZonePersistence({ hot, log, metrics, clock });
      const recovered = await second.recover(zoneOptions);
      expect(second.recoveries().get('z1')?.source).toBe('hot');
      expect(positionsOf(recovered)).toEqual(live);
      expect(second.health().info).toMatchObject({ recovered: { z1: { source: 'hot' } } });
    } finally {
      await publisher.stop();
      await dir.remove();
    }
  });
});
