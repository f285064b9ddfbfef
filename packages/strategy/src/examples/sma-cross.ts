/**
 * @module The SMA crossover example: the editor's starting template, and the strategy of the
 * backtest benchmark and the grademark comparison. One action per bar, none on the bar an order
 * fills — the same state machine as grademark's `backtest()`, so the two give the same trades.
 */

/** TypeScript source, written against the published API (api/strategy-api.ts). */
export const SMA_CROSS_SOURCE = `// Long when the fast SMA crosses above the slow one, flat when it crosses below.
export default defineStrategy({
  params: {
    fast: { type: 'int', default: 20, min: 2, max: 500, description: 'fast SMA period' },
    slow: { type: 'int', default: 50, min: 3, max: 2000, description: 'slow SMA period' },
  },
  init(ctx) {
    return {
      fast: new ctx.ta.SmaStream(ctx.params.fast),
      slow: new ctx.ta.SmaStream(ctx.params.slow),
      prevFast: NaN,
      prevSlow: NaN,
      lastAction: -2,
    };
  },
  onCandle(ctx) {
    const s = ctx.state;
    const close: number = ctx.close.at(0);
    const fast: number = s.fast.update(close);
    const slow: number = s.slow.update(close);
    const i = ctx.feed.index;
    if (i - s.lastAction > 1) {
      const flat = ctx.position().qty === 0;
      if (flat && s.prevFast <= s.prevSlow && fast > slow) {
        ctx.buy({ percent: 100, reason: 'fast crossed above slow' });
        s.lastAction = i;
      } else if (!flat && s.prevFast >= s.prevSlow && fast < slow) {
        ctx.closePosition(undefined, 'fast crossed below slow');
        s.lastAction = i;
      }
    }
    s.prevFast = fast;
    s.prevSlow = slow;
  },
});
`;
