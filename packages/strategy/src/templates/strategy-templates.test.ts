import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { compileStrategy } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { runInSandbox } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';

/** Every template a newcomer can pick compiles, type-checks and backtests without an error. */
describe('strategy templates', () => {
  const feed = randomWalkFeed('BTC-USDT', '1h', 3_600_000, 3_000, 11);

  it('offers at least five, each with a distinct id', () => {
    expect(STRATEGY_TEMPLATES.length).toBeGreaterThanOrEqual(5);
    expect(new Set(STRATEGY_TEMPLATES.map((t) => t.id)).size).toBe(STRATEGY_TEMPLATES.length);
  });

  it.each(STRATEGY_TEMPLATES.map((t) => [t.id, t] as const))('%s backtests and trades', { timeout: 60_000 }, async (_id, template) => {
    const compiled = await compileStrategy(template.source);
    const result = await runInSandbox({ code: compiled.js, feeds: [feed], settings: resolveBacktestSettings({}) });
    expect(result.metrics.trades).toBeGreaterThan(0);
    expect(Number.isFinite(result.metrics.finalEquity)).toBe(true);
  });
});
