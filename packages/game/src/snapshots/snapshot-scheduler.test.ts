import { createInMemoryEventLog } from '@tickline/eventlog';
import {
  createMetricsRegistry,
  ManualClock,
  silentLogger,
  ServiceStatus,
  type Registry,
} from '@tickline/kernel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stepWith, walledZone } from '../zone/zone-fixture.ts';
import type { Zone } from '../zone/zone.ts';
import { createMemorySnapshotStore } from './memory-snapshot-store.ts';
import { SnapshotScheduler, type SnapshotSchedulerOptions } from './snapshot-scheduler.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import { decodeZoneSnapshot } from './stored-snapshot.ts';

const context = { logger: silentLogger, fail: () => {} };

async function counter(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return match?.value ?? 0;
}

/** A store whose puts fail, or hang until released. */
function brokenStore(mode: 'fail' | 'hang'): SnapshotStore & { release(): void; started: boolean } {
  let release: (() => void) | undefined;
  return {
    name: 'broken',
    get started() {
      return release !== undefined;
    },
    put: () =>
      mode === 'fail'
        ? Promise.reject(new Error('store down'))
        : new Promise<void>((resolve) => (release = resolve)),
    latest: () => Promise.resolve(undefined),
    list: () => Promise.resolve([]),
    get: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
    release: () => release?.(),
  };
}

describe('snapshot scheduler', () => {
  const schedulers: SnapshotScheduler[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });

  async function setup(overrides: Partial<SnapshotSchedulerOptions> = {}) {
    const zone: Zone = walledZone();
    stepWith(zone, { kind: 'join', playerId: 'a', seq: 1, x: 1, y: 1 });
    const log = createInMemoryEventLog();
    const payload = new Uint8Array([1]);
    await log.append([1, 2, 3].map((i) => ({ id: `e${i}`, key: 'k', type: 't', payload })));
    const registry = createMetricsRegistry({ processMetrics: false });
    const hot = createMemorySnapshotStore();
    const cold = createMemorySnapshotStore();
    const scheduler = new SnapshotScheduler({
      hot,
      cold,
      log,
      metrics: registry,
      clock: new ManualClock(1_700_000_000_000),
      hotIntervalMs: 60_000,
      coldIntervalMs: 60_000,
      ...overrides,
    });
    schedulers.push(scheduler);
    scheduler.add({ zoneId: 'z1', zone });
    await scheduler.start(context);
    return { zone, log, registry, hot, cold, scheduler };
  }

  it('snapshot scheduler - a hot round stores the state as of the call, tagged with the log head read before it', async () => {
    const { zone, hot, cold, scheduler } = await setup();
    const round = scheduler.runRound('hot');
    // The tick after the call must not leak into the snapshot.
    stepWith(zone, { kind: 'join', playerId: 'b', seq: 1, x: 2, y: 2 });
    await round;
    const stored = await hot.latest('z1');
    expect(stored).toMatchObject({ kind: 'hot', tick: 1, logPosition: 3, eventSeq: 1, players: 1 });
    expect(decodeZoneSnapshot(stored!.bytes).players.map((p) => p.id)).toEqual(['a']);
    expect(await cold.latest('z1')).toBeUndefined();
  });

  it('snapshot scheduler - a cold round writes the cold store; takeNow writes both as manual', async () => {
    const { hot, cold, scheduler } = await setup();
    await scheduler.runRound('cold');
    expect((await cold.latest('z1'))?.kind).toBe('cold');
    const taken = await scheduler.takeNow('z1');
    expect(taken?.stored.sort()).toEqual(['memory', 'memory']);
    expect((await hot.latest('z1'))?.id).toBe(taken?.snapshot.id);
    expect((await cold.latest('z1'))?.kind).toBe('manual');
    expect(await scheduler.takeNow('nope')).toBeUndefined();
  });

  it('snapshot scheduler - a failing store is counted, never thrown, and marks the service degraded', async () => {
    const { registry, scheduler } = await setup({ hot: brokenStore('fail') });
    await expect(scheduler.runRound('hot')).resolves.toBeUndefined();
    await scheduler.runRound('hot');
    expect(
      await counter(registry, 'tickline_game_snapshot_writes_total', { store: 'broken', result: 'failed' }),
    ).toBe(2);
    expect(scheduler.health().status).toBe(ServiceStatus.Degraded);
  });

  it('snapshot scheduler - degraded from a failed write until a write works, however late the next', async () => {
    const store = { ...createMemorySnapshotStore(), name: 'flaky', down: true };
    const put = store.put.bind(store);
    store.put = (snapshot) => (store.down ? Promise.reject(new Error('store down')) : put(snapshot));
    const clock = new ManualClock(1_700_000_000_000);
    const { scheduler } = await setup({ hot: store, clock, hotIntervalMs: 50 });
    await scheduler.runRound('hot');
    // The next failure comes long after this one (a late timer, a command timeout): still down.
    clock.advance(10_000);
    expect(scheduler.health()).toMatchObject({
      status: ServiceStatus.Degraded,
      detail: 'snapshot store flaky is failing',
    });
    store.down = false;
    await scheduler.runRound('hot');
    expect(scheduler.health().status).toBe(ServiceStatus.Up);
  });

  it('snapshot scheduler - while a write hangs, later rounds for that store skip instead of piling up', async () => {
    const hung = brokenStore('hang');
    const { registry, scheduler } = await setup({ hot: hung });
    const first = scheduler.runRound('hot');
    await scheduler.runRound('hot');
    await scheduler.runRound('hot');
    expect(
      await counter(registry, 'tickline_game_snapshot_writes_total', { store: 'broken', result: 'skipped' }),
    ).toBe(2);
    await vi.waitFor(() => expect(hung.started).toBe(true));
    hung.release();
    await first;
    expect(
      await counter(registry, 'tickline_game_snapshot_writes_total', { store: 'broken', result: 'ok' }),
    ).toBe(1);
  });

  it('snapshot scheduler - the timers take hot snapshots on their interval', async () => {
    const { hot, scheduler } = await setup({ hotIntervalMs: 10, clock: undefined });
    await vi.waitFor(async () => expect((await hot.list('z1')).length).toBeGreaterThanOrEqual(2), {
      timeout: 2000,
    });
    await scheduler.stop();
    expect(scheduler.health().status).toBe(ServiceStatus.Stopped);
  });
});
