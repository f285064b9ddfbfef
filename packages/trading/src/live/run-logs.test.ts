import { randomWalkFeed, type StrategyDefinition } from '@tickline/strategy/internal';
import { describe, expect, it } from 'vitest';
import type { FeedCandle } from './live-runner.ts';
import { settings, spec, SYMBOL, world } from './live-world.test-support.ts';

/** Logs each candle's close. */
const logger: StrategyDefinition = { onCandle: (ctx) => void ctx.log(`close ${ctx.close.at(0)}`) };

function candles(n: number): FeedCandle[] {
  const c = randomWalkFeed(SYMBOL, '1m', 60_000, n, 5).columns;
  return Array.from(c.closeTime, (_, i) => ({
    symbol: SYMBOL,
    interval: '1m',
    openTime: c.openTime[i]!,
    closeTime: c.closeTime[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  }));
}

describe('live runs - logs', () => {
  it('warm-up lines are marked and a resume does not repeat them', async () => {
    const s = settings();
    const w = world(s, logger);
    const feed = candles(8);
    const stored: FeedCandle[] = feed.slice(0, 5);
    // The market's stored candles: the warm-up's history, and where a resume starts.
    w.options.history = async (_symbol, _interval, count, before) =>
      stored.filter((c) => c.closeTime <= before).slice(-count);
    await w.runner.enable({ ...spec('r', s), warmupBars: 5 });
    const logs = () => w.runner.status('r')!.logs;
    expect(logs()).toHaveLength(5);
    expect(logs().every((l) => l.warmup === true)).toBe(true);

    // Live: not marked.
    stored.push(feed[5]!);
    w.track(feed[5]!);
    await w.runner.onCandle(feed[5]!);
    expect(logs()).toHaveLength(6);
    expect(logs().at(-1)).toEqual({ time: expect.any(Number), text: `close ${feed[5]!.close}` });

    // A pause and a resume warm a new session up on the same history: its lines are not shown again.
    w.runner.pause('r', 'user', 'paused by the owner');
    await w.runner.resume('r');
    expect(w.runner.status('r')!.state).toBe('running');
    expect(logs()).toHaveLength(6);
    expect(logs().filter((l) => l.warmup === true)).toHaveLength(5);
    stored.push(feed[6]!);
    w.track(feed[6]!);
    await w.runner.onCandle(feed[6]!);
    expect(logs().map((l) => l.text)).toEqual(feed.slice(0, 7).map((c) => `close ${c.close}`));
  });
});
