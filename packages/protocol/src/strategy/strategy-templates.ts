/**
 * @module Strategies a newcomer starts from, one per classic idea. They live here, shared, so the
 * dashboard offers them in its editor and the strategy package's tests backtest every one.
 * Each is TypeScript against the published strategy API (`defineStrategy`).
 */
export interface StrategyTemplate {
  id: string;
  name: string;
  description: string;
  source: string;
}

const trend = `// Trend following: long when the fast SMA crosses above the slow one, flat when it crosses below.
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
    const fast = s.fast.update(close);
    const slow = s.slow.update(close);
    const diff = fast - slow;
    // Drawn over the price on the results page; log lines are searchable there.
    if (!Number.isNaN(slow)) {
      ctx.plot('fast SMA', fast);
      ctx.plot('slow SMA', slow);
    }
    const flat = ctx.position().qty === 0;
    if (flat && s.prev <= 0 && diff > 0) {
      ctx.log('cross up at', close);
      ctx.buy({ percent: 100, reason: 'cross up' });
    } else if (!flat && s.prev >= 0 && diff < 0) {
      ctx.log('cross down at', close);
      ctx.closePosition(undefined, 'cross down');
    }
    if (!Number.isNaN(diff)) s.prev = diff;
  },
});
`;

const meanReversion = `// Mean reversion: buy when RSI says oversold, sell when it recovers past the exit level.
export default defineStrategy({
  params: {
    period: { type: 'int', default: 14, min: 2, max: 200, description: 'RSI period' },
    oversold: { type: 'float', default: 30, min: 1, max: 50, description: 'buy below this RSI' },
    exit: { type: 'float', default: 55, min: 30, max: 99, description: 'sell above this RSI' },
  },
  init(ctx) {
    return { rsi: new ctx.ta.RsiStream(ctx.params.period) };
  },
  onCandle(ctx) {
    const rsi = ctx.state.rsi.update(ctx.close.at(0));
    if (Number.isNaN(rsi)) return;
    ctx.plot('rsi', rsi);
    const flat = ctx.position().qty === 0;
    if (flat && rsi < ctx.params.oversold) ctx.buy({ percent: 100, reason: 'oversold' });
    else if (!flat && rsi > ctx.params.exit) ctx.closePosition(undefined, 'recovered');
  },
});
`;

const breakout = `// Breakout (Donchian): buy when the close clears the highest high of the last N bars,
// leave when it falls under the lowest low of the last M bars.
export default defineStrategy({
  params: {
    entry: { type: 'int', default: 20, min: 2, max: 500, description: 'bars of the entry channel' },
    exit: { type: 'int', default: 10, min: 2, max: 500, description: 'bars of the exit channel' },
  },
  onCandle(ctx) {
    const { entry, exit } = ctx.params;
    if (ctx.close.length <= Math.max(entry, exit)) return;
    let high = -Infinity;
    for (let i = 1; i <= entry; i++) high = Math.max(high, ctx.high.at(i));
    let low = Infinity;
    for (let i = 1; i <= exit; i++) low = Math.min(low, ctx.low.at(i));
    const close = ctx.close.at(0);
    const flat = ctx.position().qty === 0;
    if (flat && close > high) ctx.buy({ percent: 100, reason: 'channel breakout' });
    else if (!flat && close < low) ctx.closePosition(undefined, 'channel breakdown');
  },
});
`;

const momentum = `// Momentum: long while the MACD histogram is above zero, flat when it turns negative.
export default defineStrategy({
  params: {
    fast: { type: 'int', default: 12, min: 2, max: 200, description: 'fast EMA' },
    slow: { type: 'int', default: 26, min: 3, max: 400, description: 'slow EMA' },
    signal: { type: 'int', default: 9, min: 2, max: 100, description: 'signal EMA' },
  },
  init(ctx) {
    return { macd: new ctx.ta.MacdStream(ctx.params.fast, ctx.params.slow, ctx.params.signal), prev: NaN };
  },
  onCandle(ctx) {
    const s = ctx.state;
    const h = s.macd.update(ctx.close.at(0)).histogram;
    if (Number.isNaN(h)) return;
    ctx.plot('histogram', h);
    const flat = ctx.position().qty === 0;
    if (flat && !(s.prev > 0) && h > 0) ctx.buy({ percent: 100, reason: 'histogram up' });
    else if (!flat && h < 0) ctx.closePosition(undefined, 'histogram down');
    s.prev = h;
  },
});
`;

const volatility = `// Volatility breakout with an ATR trailing stop: buy a close above the EMA by k ATRs,
// exit when the close falls m ATRs below the highest close since entry.
export default defineStrategy({
  params: {
    period: { type: 'int', default: 20, min: 2, max: 500, description: 'EMA and ATR period' },
    k: { type: 'float', default: 1.5, min: 0.1, max: 10, description: 'entry distance in ATRs' },
    m: { type: 'float', default: 2, min: 0.1, max: 10, description: 'trailing stop in ATRs' },
  },
  init(ctx) {
    return { ema: new ctx.ta.EmaStream(ctx.params.period), atr: new ctx.ta.AtrStream(ctx.params.period), peak: 0 };
  },
  onCandle(ctx) {
    const s = ctx.state;
    const close = ctx.close.at(0);
    const ema = s.ema.update(close);
    const atr = s.atr.update(ctx.high.at(0), ctx.low.at(0), close);
    if (Number.isNaN(ema) || Number.isNaN(atr)) return;
    const flat = ctx.position().qty === 0;
    if (flat && close > ema + ctx.params.k * atr) {
      ctx.buy({ percent: 100, reason: 'volatility breakout' });
      s.peak = close;
    } else if (!flat) {
      s.peak = Math.max(s.peak, close);
      if (close < s.peak - ctx.params.m * atr) ctx.closePosition(undefined, 'trailing stop');
    }
  },
});
`;

export const STRATEGY_TEMPLATES: readonly StrategyTemplate[] = [
  { id: 'trend-sma-cross', name: 'Trend: SMA crossover', description: 'Long while a fast moving average is above a slow one.', source: trend },
  { id: 'mean-reversion-rsi', name: 'Mean reversion: RSI', description: 'Buy oversold dips, sell the recovery.', source: meanReversion },
  { id: 'breakout-donchian', name: 'Breakout: Donchian channel', description: 'Buy new N-bar highs, leave on M-bar lows.', source: breakout },
  { id: 'momentum-macd', name: 'Momentum: MACD histogram', description: 'Long while MACD momentum is positive.', source: momentum },
  { id: 'volatility-atr', name: 'Volatility breakout: ATR', description: 'Buy a move of k ATRs above the trend, trail a stop of m ATRs.', source: volatility },
];
