import { createMetricsRegistry, ManualClock, silentLogger } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { ZoneRunner } from '../loop/zone-runner.ts';
import type { DrainOptions } from '../loop/zone-host.ts';
import { createMemorySnapshotStore } from '../snapshots/memory-snapshot-store.ts';
import {
  isSnapshotNotFoundError,
  isSnapshotStoreUnavailableError,
  isZoneDrainingError,
  isZoneUnknownError,
} from '../snapshots/snapshot-errors.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { move, stepWith, walledZone } from '../zone/zone-fixture.ts';
import { ZoneAdmin } from './zone-admin.ts';

const context = { logger: silentLogger, fail: () => {} };

describe('zone admin', () => {
  const schedulers: SnapshotScheduler[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });

  async function setup(
    hot: SnapshotStore = createMemorySnapshotStore(),
    cold: SnapshotStore = createMemorySnapshotStore(),
  ) {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const clock = new ManualClock(1_700_000_000_000);
    const zone = walledZone();
    stepWith(zone, { kind: 'join', playerId: 'p', seq: 1, x: 1, y: 1 });
    const published: number[] = [];
    const runner = new ZoneRunner({
      zone,
      events: { publish: (e) => published.push(e.seq) },
      metrics,
      clock,
    });
    const told: Array<{ level: string; text: string } | DrainOptions> = [];
    runner.attachClients({ notice: (level, text) => told.push({ level, text }), drain: (o) => told.push(o) });
    const scheduler = new SnapshotScheduler({ hot, cold, metrics, clock });
    schedulers.push(scheduler);
    await scheduler.start(context);
    const stopped: string[] = [];
    const admin = new ZoneAdmin({
      scheduler,
      hot,
      cold,
      drainSettleMs: 1,
      stopZone: (id) => void stopped.push(id),
    });
    admin.register(runner);
    return { admin, runner, hot, cold, told, stopped };
  }

  it('zone admin - snapshot now lands in both stores and is listed newest first', async () => {
    const { admin } = await setup();
    const first = await admin.snapshotNow('z1');
    const second = await admin.snapshotNow('z1');
    expect(first.stored).toHaveLength(2);
    const listed = await admin.listSnapshots('z1');
    expect(listed.map((s) => s.id)).toEqual([second.snapshot.id, first.snapshot.id]);
    expect(listed[0]).toMatchObject({ kind: 'manual', store: 'memory', players: 1 });
    await expect(admin.snapshotNow('nope')).rejects.toSatisfy(isZoneUnknownError);
  });

  it('zone admin - snapshot now fails with the store error when no store takes it', async () => {
    const down: SnapshotStore = {
      ...createMemorySnapshotStore(),
      put: () => Promise.reject(new Error('down')),
    };
    const { admin } = await setup(down);
    // The cold store still takes it: success.
    await expect(admin.snapshotNow('z1')).resolves.toMatchObject({ stored: ['memory'] });
    const { admin: allDown } = await setup(down, down);
    await expect(allDown.snapshotNow('z1')).rejects.toSatisfy(isSnapshotStoreUnavailableError);
  });

  it('zone admin - restore brings positions back, keeps tick and seq moving forward, tells players', async () => {
    const { admin, runner, told } = await setup();
    const before = await admin.snapshotNow('z1');
    for (let t = 2; t <= 4; t++) stepWith(runner.zone, move('p', t, t, t, 1));
    expect(runner.zone.player('p')).toMatchObject({ x: 4, y: 1 });
    const seqBefore = runner.zone.snapshot().lastEventSeq;
    const tickBefore = runner.tick;
    const result = await admin.restore('z1', before.snapshot.id);
    expect(result.restored.id).toBe(before.snapshot.id);
    expect(runner.zone.player('p')).toMatchObject({ x: 1, y: 1 });
    expect(runner.tick).toBe(tickBefore);
    expect(runner.lastEventSeq).toBe(seqBefore);
    expect(runner.paused).toBe(false);
    expect(told).toEqual([{ level: 'warn', text: expect.stringContaining('restored') }]);
    // The restored state is the newest snapshot: a crash now recovers it, not the moves undone.
    expect((await admin.listSnapshots('z1'))[0]?.id).toBe(result.persisted?.snapshot.id);
    const { events } = stepWith(runner.zone, move('p', 9, tickBefore + 1, 2, 1));
    expect(events.map((e) => e.seq)).toEqual([seqBefore + 1]);
  });

  it('zone admin - restore refuses unknown snapshots and snapshots of other zones', async () => {
    const { admin, hot } = await setup();
    await expect(admin.restore('z1', '01900000-0000-7000-8000-000000000000')).rejects.toSatisfy(
      isSnapshotNotFoundError,
    );
    const other = walledZone({ zoneId: 'z2' });
    const { toStoredSnapshot } = await import('../snapshots/stored-snapshot.ts');
    const foreign = toStoredSnapshot(other.snapshot(), { kind: 'hot', logPosition: 0, takenAt: 1 });
    await hot.put(foreign);
    await expect(admin.restore('z1', foreign.id)).rejects.toSatisfy(isSnapshotNotFoundError);
  });

  it('zone admin - broadcast reaches one zone or all', async () => {
    const { admin, told } = await setup();
    expect(admin.broadcast(undefined, 'info', 'maintenance at 12:00')).toBe(1);
    expect(told).toEqual([{ level: 'info', text: 'maintenance at 12:00' }]);
    expect(() => admin.broadcast('nope', 'info', 'x')).toThrow(
      expect.objectContaining({ code: 'GAME_ZONE_UNKNOWN' }),
    );
  });

  it('zone admin - drain tells players, snapshots the final state, stops the zone and refuses more', async () => {
    const { admin, runner, told, stopped, cold } = await setup();
    const result = await admin.drain('z1', 'restarting for an update');
    expect(told).toEqual([{ message: 'restarting for an update', code: 'GAME_ZONE_DRAINING' }]);
    expect(result.playersTold).toBe(1);
    expect((await cold.latest('z1'))?.id).toBe(result.finalSnapshot?.snapshot.id);
    expect(runner.paused).toBe(true);
    expect(stopped).toEqual(['z1']);
    expect(admin.zones()).toEqual([]);
    await expect(admin.snapshotNow('z1')).rejects.toSatisfy(isZoneUnknownError);
    expect(isZoneDrainingError({ code: 'GAME_ZONE_DRAINING', message: '' })).toBe(true);
  });
});
