import { describe, expect, it } from 'vitest';
import type { ManualClock } from '@tickline/kernel';
import type { OrderPlacedData } from '../broker/events.ts';
import type { StrategyDefinition } from '@tickline/strategy/internal';
import type { StrategyLiveDataHealthData } from './live-events.ts';
import { LiveRunner, type FeedCandle } from './live-runner.ts';
import { settings, spec, SYMBOL, world } from './live-world.test-support.ts';

const M = 60_000;

/** The `i`th flat 1m candle after `t0` at `close`. */
const flatCandle = (t0: number, i: number, close: number): FeedCandle => ({
  symbol: SYMBOL,
  interval: '1m',
  openTime: t0 + (i - 1) * M,
  closeTime: t0 + i * M,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

describe('live runs - the data-health interlock', () => {
  it('a jump stops entries (exits go on, ctx.dataHealthy false), the owner is told, clean candles lift it; a silent feed goes stale', async () => {
    // Given a run that buys 1 on every candle and sells half a unit of what it holds, and records
    // what ctx.dataHealthy said
    const seen: boolean[] = [];
    const definition: StrategyDefinition = {
      onCandle(ctx) {
        seen.push(ctx.dataHealthy);
        ctx.buy({ qty: 1, reason: 'entry' });
        if (ctx.position().qty > 0) ctx.sell({ qty: 0.5, reason: 'exit' });
      },
    };
    const s = settings();
    const w = world(s, definition);
    const runner = new LiveRunner({
      ...w.options,
      dataHealth: { staleIntervals: 3, jumpPercent: 20, healthyCandles: 2 },
    });
    w.setRunner(runner);
    await runner.enable(spec('r', s));
    const clock = w.options.clock as ManualClock;
    const t0 = clock.now();
    let i = 0;
    const candle = async (close: number) => {
      i++;
      clock.advance(t0 + i * M - clock.now());
      const c = flatCandle(t0, i, close);
      w.track(c);
      await runner.onCandle(c);
    };
    const placed = () =>
      w.published.filter((e) => e.type === 'order.placed').map((e) => e.data as OrderPlacedData);
    const notices = () =>
      w.published
        .filter((e) => e.type === 'strategy.live.data.health')
        .map((e) => e.data as StrategyLiveDataHealthData);
    for (const close of [100, 100, 100]) await candle(close);
    expect(runner.status('r')!.dataHealth).toBeUndefined();
    // When the close jumps 50%
    const before = placed().length;
    await candle(150);
    // Then the run is unhealthy, its strategy saw it on that very candle, its buy was not placed
    // but its sell was, and its owner got one notice naming the run
    expect(runner.status('r')!.dataHealth).toMatchObject({
      healthy: false,
      feeds: [{ symbol: SYMBOL, interval: '1m', problem: 'jump' }],
    });
    expect(seen).toEqual([true, true, true, false]);
    expect(
      placed()
        .slice(before)
        .map((o) => o.side),
    ).toEqual(['sell']);
    expect(runner.status('r')!.logs.map((l) => l.text)).toContain(`data-health: buy 1 ${SYMBOL} not placed`);
    expect(notices()).toEqual([
      expect.objectContaining({
        userId: 'u1',
        runIds: ['r'],
        healthy: false,
        problem: 'jump',
        symbol: SYMBOL,
      }),
    ]);
    // When two clean candles follow, Then it lifts on the second, which decides healthy again
    await candle(151);
    expect(runner.status('r')!.dataHealth).toBeDefined();
    const lifted = placed().length;
    await candle(150);
    expect(runner.status('r')!.dataHealth).toBeUndefined();
    expect(seen.slice(-2)).toEqual([false, true]);
    expect(
      placed()
        .slice(lifted)
        .some((o) => o.side === 'buy'),
    ).toBe(true);
    expect(notices().map((n) => n.healthy)).toEqual([false, true]);
    // When no candle comes for three intervals, Then the beat finds the feed stale
    clock.advance(3 * M);
    runner.checkDataHealth();
    expect(runner.status('r')!.dataHealth?.feeds[0]).toMatchObject({ problem: 'stale' });
    expect(notices().at(-1)).toMatchObject({ healthy: false, problem: 'stale' });
  });

  it('a run enabled while its feed is unhealthy is held from its first candle and its owner told', async () => {
    const s = settings();
    const w = world(s, { onCandle: (ctx) => void ctx.buy({ qty: 1, reason: 'entry' }) });
    const runner = new LiveRunner({
      ...w.options,
      dataHealth: { staleIntervals: 0, jumpPercent: 20, healthyCandles: 2 },
    });
    w.setRunner(runner);
    const clock = w.options.clock as ManualClock;
    const t0 = clock.now();
    const candle = (i: number, close: number) => flatCandle(t0, i, close);
    // Given the feed jumped before any run read it
    await runner.onCandle(candle(1, 100));
    await runner.onCandle(candle(2, 200));
    expect(w.published.filter((e) => e.type === 'strategy.live.data.health')).toEqual([]);
    // When a run starts on it, Then it is held and its owner is told once
    await runner.enable(spec('late', s));
    expect(runner.status('late')!.dataHealth?.feeds[0]).toMatchObject({ problem: 'jump' });
    const told = w.published.filter((e) => e.type === 'strategy.live.data.health').map((e) => e.data);
    expect(told).toEqual([
      expect.objectContaining({ userId: 'u1', runIds: ['late'], healthy: false, problem: 'jump' }),
    ]);
  });
});
