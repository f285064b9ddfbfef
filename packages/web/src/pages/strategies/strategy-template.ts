/** @module The code a new strategy starts from: an SMA crossover on the published API. */
export const STRATEGY_TEMPLATE = `// Long when the fast SMA crosses above the slow one, flat when it crosses below.
export default defineStrategy({
  params: {
    fast: { type: 'int', default: 10, min: 2, max: 500, description: 'fast SMA period' },
    slow: { type: 'int', default: 30, min: 3, max: 2000, description: 'slow SMA period' },
  },
  init(ctx) {
    return { fast: new ctx.ta.SmaStream(ctx.params.fast), slow: new ctx.ta.SmaStream(ctx.params.slow), prev: 0 };
  },
  onCandle(ctx) {
    const s = ctx.state;
    const close: number = ctx.close.at(0);
    const diff = s.fast.update(close) - s.slow.update(close);
    const flat = ctx.position().qty === 0;
    if (flat && s.prev <= 0 && diff > 0) ctx.buy({ percent: 100, reason: 'cross up' });
    else if (!flat && s.prev >= 0 && diff < 0) ctx.closePosition(undefined, 'cross down');
    if (!Number.isNaN(diff)) s.prev = diff;
  },
});
`;
