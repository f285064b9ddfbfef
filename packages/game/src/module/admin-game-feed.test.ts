import { ZoneRunner } from '../loop/zone-runner.ts';
import { ObstacleMap } from '../zone/obstacle-map.ts';
import { Zone } from '../zone/zone.ts';
import { ManualScheduler } from '@tickline/game/internal';
import { createMetricsRegistry, ManualClock, silentLogger } from '@tickline/kernel';
import { createHub, type HubMessage } from '@tickline/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '@tickline/testing';
import {
  AdminGameChannel,
  createAdminGameFeed,
  createGameFiguresReader,
  type AdminGameFigures,
} from './admin-game-feed.ts';

const PERIOD_MS = 50;
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function setup() {
  const clock = new ManualClock(1_700_000_000_000);
  const metrics = createMetricsRegistry({ processMetrics: false });
  const zone = new Zone({ zoneId: 'north', clock, map: ObstacleMap.open(100, 100, 1), maxSpeedPerTick: 1 });
  const runner = new ZoneRunner({
    zone,
    events: { publish: () => {} },
    metrics,
    clock,
    scheduler: new ManualScheduler(),
  });
  runner.start();
  let seq = 0;
  /** One tick in which `p` walks one step, or jumps too far when `hack`. */
  const step = (hack = false) => {
    seq++;
    const x = 10 + seq + (hack ? 20 : 0);
    runner.submit({ kind: 'move', playerId: 'p', seq, tick: runner.tick, x, y: 10 });
    clock.advance(PERIOD_MS);
    runner.runDue();
  };
  runner.submit({ kind: 'join', playerId: 'p', seq: 0, x: 10, y: 10 });
  clock.advance(PERIOD_MS);
  runner.runDue();
  const recoveries = new Map([['north', { source: 'hot', durationMs: 12.345 }]]);
  return { clock, metrics, runner, step, game: { runners: [runner], recoveries: () => recoveries } };
}

describe('admin game feed', () => {
  it('admin game - rates are the counters’ increase per second since the previous read', async () => {
    const { metrics, step, game } = setup();
    let now = 0;
    const reader = createGameFiguresReader({ metrics, game, now: () => now });
    expect(await reader.read()).toBeUndefined();
    for (let i = 0; i < 4; i++) step();
    step(true);
    now = 500;
    const figures = (await reader.read())!;
    expect(figures.zones).toHaveLength(1);
    const north = figures.zones[0]!;
    expect(north).toMatchObject({
      zoneId: 'north',
      ccu: 1,
      commandsPerSecond: 10,
      acceptedPerSecond: 8,
      recovery: { source: 'hot', ms: 12.35 },
      snapshotAgeSeconds: { hot: null, cold: null },
    });
    expect(Object.values(north.rejectsPerSecond)).toEqual([2]);
    // Five ticks in this beat, all far under a millisecond with a manual clock's zero-cost steps.
    expect(Object.values(north.tickBuckets).reduce((a, b) => a + b, 0)).toBe(5);
    expect(north.tickBuckets.le1ms).toBe(5);
    expect(north.tickP99Ms).toBeGreaterThanOrEqual(0);
    // The same counters are on /metrics.
    const text = await metrics.metrics();
    expect(text).toMatch(
      /tickline_game_commands_total\{zone="north",outcome="rejected",reason="GAME_\w+"\} 1/,
    );
    expect(text).toMatch(/tickline_game_players\{zone="north"\} 1/);
    now = 1_500;
    expect((await reader.read())!.zones[0]).toMatchObject({ commandsPerSecond: 0 });
  });

  it('admin game - publishes on admin:game only while watched', async () => {
    const { metrics, game } = setup();
    const hub = createHub();
    let reads = 0;
    const counted = {
      get runners() {
        reads++;
        return game.runners;
      },
      recoveries: game.recoveries,
    };
    const feed = createAdminGameFeed({ hub, game: counted, metrics, intervalMs: 5 });
    await feed.start({ logger: silentLogger, fail: () => {} });
    stops.push(() => feed.stop());
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads).toBe(0);
    const messages: HubMessage[] = [];
    const subscriber = { deliver: (m: HubMessage) => void messages.push(m) };
    hub.subscribe([AdminGameChannel.channel], subscriber);
    await until(() => messages.length >= 2, { timeoutMs: 5_000, what: 'two beats' });
    hub.unsubscribe([AdminGameChannel.channel], subscriber);
    expect(messages[0]).toMatchObject({ type: 'admin.game' });
    const line = messages[0]!.sse
      .toString()
      .split('\n')
      .find((l) => l.startsWith('data: '))!;
    const { data } = JSON.parse(line.slice('data: '.length)) as { data: AdminGameFigures };
    expect(data.zones[0]).toMatchObject({ zoneId: 'north', ccu: 1 });
  });
});
