import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { compileStrategy } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import type { Feed } from '../core/types.ts';
import { runInSandbox } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';

/** Every template a newcomer can pick compiles, type-checks and backtests without an error. */
describe('strategy templates', () => {
  const feed = randomWalkFeed('BTC-USDT', '1h', 3_600_000, 3_000, 11);

  it('offers at least five, each with a distinct id', () => {
    expect(STRATEGY_TEMPLATES.length).toBeGreaterThanOrEqual(5);
    expect(new Set(STRATEGY_TEMPLATES.map((t) => t.id)).size).toBe(STRATEGY_TEMPLATES.length);
  });

  /** The feeds each template is tried on: the ones it asks for (`feeds`) beside the first. */
  const feedsOf: Record<string, Feed[]> = {
    'spread-pairs': [feed, randomWalkFeed('ETH-USDT', '1h', 3_600_000, 3_000, 12)],
    'multi-timeframe-ema': [feed, randomWalkFeed('BTC-USDT', '4h', 4 * 3_600_000, 750, 13)],
  };

  it.each(STRATEGY_TEMPLATES.map((t) => [t.id, t] as const))('%s backtests and trades', { timeout: 60_000 }, async (id, template) => {
    const compiled = await compileStrategy(template.source);
    const feeds = feedsOf[id] ?? [feed];
    const result = await runInSandbox({ code: compiled.js, feeds, settings: resolveBacktestSettings({}) });
    expect(result.metrics.trades).toBeGreaterThan(0);
    expect(Number.isFinite(result.metrics.finalEquity)).toBe(true);
    // What it plots is what the recursive check compares: every template plots something.
    expect(result.plots.length).toBeGreaterThan(0);
    if (id === 'spread-pairs') {
      // Both sides were bought at some point: the cheap one is whichever strayed.
      expect(new Set(result.trades.map((t) => t.symbol))).toEqual(new Set(['BTC-USDT', 'ETH-USDT']));
    }
  });

  it('the spread on one feed trades nothing and says what it needs', async () => {
    const spread = STRATEGY_TEMPLATES.find((t) => t.id === 'spread-pairs')!;
    const result = await runInSandbox({
      code: (await compileStrategy(spread.source)).js,
      feeds: [feed],
      settings: resolveBacktestSettings({}),
    });
    expect(result.metrics.trades).toBe(0);
    expect(result.logs.map((l) => l.text).join('\n')).toContain('needs a second feed');
  });
});
