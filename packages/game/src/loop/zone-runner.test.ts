import { createMetricsRegistry, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { move, walledZone } from '../zone/zone-fixture.ts';
import { ManualScheduler } from './scheduler.ts';
import { ZoneRunner } from './zone-runner.ts';

const PERIOD = 50; // 20 Hz

function setup(leased?: () => boolean) {
  const clock = new ManualClock(1_700_000_000_000);
  const scheduler = new ManualScheduler();
  const published: EventEnvelope[] = [];
  const metrics = createMetricsRegistry({ processMetrics: false });
  const runner = new ZoneRunner({
    zone: walledZone({ clock }),
    events: { publish: (e) => published.push(e) },
    metrics,
    clock,
    scheduler,
    ...(leased && { leased }),
  });
  return { clock, scheduler, published, metrics, runner };
}

describe('zone runner', () => {
  it('loop - commands wait for the next tick and apply in arrival order', () => {
    const { clock, runner, published } = setup();
    runner.start();
    runner.submit({ kind: 'join', playerId: 'p', seq: 0, x: 1, y: 1 });
    runner.submit(move('p', 1, 0, 1.5, 1));
    runner.submit(move('p', 2, 1, 2, 1));
    expect(runner.zone.player('p')).toBeUndefined();
    clock.advance(PERIOD - 1);
    expect(runner.runDue()).toBe(0);
    expect(runner.zone.player('p')).toBeUndefined();
    clock.advance(1);
    expect(runner.runDue()).toBe(1);
    expect(runner.zone.player('p')).toEqual({ x: 2, y: 1, lastSeq: 2 });
    expect(published.map((e) => e.type)).toEqual([
      'game.player.joined',
      'game.player.moved',
      'game.player.moved',
    ]);
    expect(runner.lastEventSeq).toBe(3);
    expect(runner.lastEventId).toBe(published[2]!.id);
  });

  it('loop - without its ownership lease the zone does not tick, so it writes no event', () => {
    let lease = false;
    const { clock, runner, published } = setup(() => lease);
    runner.start();
    runner.submit({ kind: 'join', playerId: 'p', seq: 0, x: 1, y: 1 });
    clock.advance(PERIOD * 2);
    expect(runner.runDue()).toBe(0);
    expect(runner.leased).toBe(false);
    expect(published).toEqual([]);
    lease = true;
    expect(runner.runDue()).toBe(2);
    expect(published.map((e) => e.type)).toEqual(['game.player.joined']);
  });

  it('loop - a late loop catches up in one step and counts the overrun', async () => {
    const { clock, runner, metrics } = setup();
    runner.start();
    clock.advance(PERIOD * 3.5);
    expect(runner.runDue()).toBe(3);
    expect(runner.tick).toBe(3);
    expect(runner.stats()).toMatchObject({ overruns: 1, skippedTicks: 2 });
    const text = await metrics.metrics();
    expect(text).toMatch(/tickline_game_tick_overruns_total\{zone="z1"\} 1/);
    expect(text).toMatch(/tickline_game_tick_duration_seconds_count\{zone="z1"\} 1/);
  });

  it('loop - schedules by absolute time, so timer lateness does not drift', () => {
    const { clock, scheduler, runner } = setup();
    runner.start();
    expect(scheduler.delays).toEqual([PERIOD]);
    clock.advance(PERIOD + 7); // the timer fired 7 ms late
    scheduler.runDue();
    expect(runner.tick).toBe(1);
    expect(scheduler.delays).toEqual([PERIOD - 7]);
    clock.advance(PERIOD - 7);
    scheduler.runDue();
    expect(runner.tick).toBe(2);
    expect(scheduler.delays).toEqual([PERIOD]);
  });

  it('loop - listeners see every tick; a throwing listener does not stop the loop', () => {
    const { clock, runner } = setup();
    const seen: number[] = [];
    runner.onTick(() => {
      throw new Error('broken listener');
    });
    const off = runner.onTick((info) => seen.push(info.tick));
    runner.start();
    clock.advance(PERIOD);
    runner.runDue();
    clock.advance(PERIOD);
    runner.runDue();
    off();
    clock.advance(PERIOD);
    runner.runDue();
    expect(seen).toEqual([1, 2]);
    expect(runner.tick).toBe(3);
  });

  it('loop - paused zones queue commands; resume restarts the schedule from now', () => {
    const { clock, runner } = setup();
    runner.start();
    runner.pause();
    runner.submit({ kind: 'join', playerId: 'p', seq: 0, x: 1, y: 1 });
    clock.advance(PERIOD * 10);
    expect(runner.runDue()).toBe(0);
    expect(runner.zone.queued).toBe(1);
    runner.resume();
    clock.advance(PERIOD);
    expect(runner.runDue()).toBe(1);
    expect(runner.stats()).toMatchObject({ tick: 1, players: 1, overruns: 0 });
  });

  it('loop - commands are counted by outcome', async () => {
    const { clock, runner, metrics } = setup();
    runner.submit({ kind: 'join', playerId: 'p', seq: 0, x: 1, y: 1 });
    runner.submit(move('p', 1, 0, 9, 9)); // a teleport
    runner.start();
    clock.advance(PERIOD);
    runner.runDue();
    const text = await metrics.metrics();
    expect(text).toMatch(/tickline_game_commands_total\{zone="z1",outcome="accepted",reason=""\} 1/);
    expect(text).toMatch(/outcome="rejected",reason="GAME_TELEPORT"\} 1/);
    expect(text).toMatch(/tickline_game_players\{zone="z1"\} 1/);
  });
});
