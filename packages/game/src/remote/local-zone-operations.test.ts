import { ZoneAdmin } from '../admin/zone-admin.ts';
import type { DrainOptions } from '../loop/zone-host.ts';
import { ZoneRunner } from '../loop/zone-runner.ts';
import { createMemorySnapshotStore } from '../snapshots/memory-snapshot-store.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { Zone } from '../zone/zone.ts';
import { createMetricsRegistry, ManualClock, silentLogger } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { localZoneOperations } from './local-zone-operations.ts';

const schedulers: SnapshotScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

async function runtime() {
  const metrics = createMetricsRegistry({ processMetrics: false });
  const clock = new ManualClock(1_700_000_000_000);
  const hot = createMemorySnapshotStore();
  const scheduler = new SnapshotScheduler({ hot, metrics, clock });
  schedulers.push(scheduler);
  await scheduler.start({ logger: silentLogger, fail: () => {} });
  const admin = new ZoneAdmin({ scheduler, hot, drainSettleMs: 1 });
  const told: Array<{ zone: string; level: string; text: string } | DrainOptions> = [];
  const runners = ['a', 'b'].map((zoneId) => {
    const zone = new Zone({ zoneId, clock, spawn: { x: 5, y: 5 } });
    const runner = new ZoneRunner({ zone, events: { publish: () => {} }, metrics, clock });
    runner.attachClients({
      notice: (level, text) => told.push({ zone: zoneId, level, text }),
      drain: (options) => told.push(options),
    });
    admin.register(runner);
    return runner;
  });
  runners[0]!.zone.enqueue({ kind: 'join', playerId: 'p-1', seq: 1, x: 2, y: 3 });
  runners[0]!.zone.step();
  return { runners, admin, told };
}

const restarted: string[] = [];
const restart = async (zoneId: string) => {
  restarted.push(zoneId);
};
const handOff = async (zoneId: string) => ({ playersTold: 0, snapshotId: `s-${zoneId}`, from: 'here', to: null });

describe('local zone operations', () => {
  it('zones - status, live player and notices come from the running zones', async () => {
    const { runners, admin, told } = await runtime();
    const zones = localZoneOperations({ runners: () => runners, admin: () => admin, restart, handOff });
    expect(await zones.zones()).toMatchObject([
      { zoneId: 'a', ccu: 1, tick: 1, health: 'ok', overruns: 0 },
      { zoneId: 'b', ccu: 0, tick: 0, tickP50Ms: null, health: 'ok' },
    ]);
    expect(await zones.livePlayer('p-1')).toEqual({ zoneId: 'a', x: 2, y: 3, tick: 1 });
    expect(await zones.livePlayer('nobody')).toBeUndefined();
    expect(await zones.broadcast({ level: 'warn', text: 'maintenance' })).toEqual({ zones: 2, players: 1 });
    expect(told).toEqual([
      { zone: 'a', level: 'warn', text: 'maintenance' },
      { zone: 'b', level: 'warn', text: 'maintenance' },
    ]);
  });

  it('zones - snapshots are taken, listed and restored; drain stops the zone', async () => {
    const { runners, admin } = await runtime();
    const zones = localZoneOperations({ runners: () => runners, admin: () => admin, restart, handOff });
    const taken = await zones.takeSnapshot('a');
    expect(taken).toMatchObject({ zoneId: 'a', kind: 'manual', tick: 1, players: 1 });
    expect((await zones.listSnapshots('a')).map((s) => s.id)).toEqual([taken.id]);
    expect(await zones.restoreSnapshot('a', taken.id)).toEqual({ snapshotId: taken.id, tick: 1, players: 1 });
    expect(await zones.drain('a', 'closing')).toEqual({ playersTold: 1 });
    expect((await zones.zones()).find((z) => z.zoneId === 'a')).toBeDefined();
    await expect(zones.takeSnapshot('zz')).rejects.toMatchObject({ code: 'GAME_ZONE_UNKNOWN' });
    await zones.restart('a');
    expect(restarted).toEqual(['a']);
  });
});
