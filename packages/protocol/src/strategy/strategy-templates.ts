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
  /** The feeds it wants beyond the first, in words (shown where it is picked). */
  feeds?: string;
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
    ctx.plot('channel high', high);
    ctx.plot('channel low', low);
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
    ctx.plot('EMA', ema);
    ctx.plot('entry level', ema + ctx.params.k * atr);
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

const multiTimeframe = `// Multi-timeframe: trade the first feed's EMA crossings only while the second feed trends up.
// Add a higher interval of the same symbol as a second feed (1m entries, 1h trend); with one
// feed, its own trend EMA is the filter.
export default defineStrategy({
  params: {
    fast: { type: 'int', default: 12, min: 2, max: 500, description: 'fast EMA of the entry feed' },
    slow: { type: 'int', default: 26, min: 3, max: 2000, description: 'slow EMA of the entry feed' },
    trend: { type: 'int', default: 50, min: 2, max: 2000, description: 'EMA of the trend feed' },
  },
  init(ctx) {
    return {
      fast: new ctx.ta.EmaStream(ctx.params.fast),
      slow: new ctx.ta.EmaStream(ctx.params.slow),
      trend: new ctx.ta.EmaStream(ctx.params.trend),
      up: false,
      prev: 0,
    };
  },
  onCandle(ctx) {
    const s = ctx.state;
    const entry = ctx.feeds[0]!;
    const trend = ctx.feeds[1] ?? entry;
    const is = (f: { symbol: string; interval: string }) =>
      ctx.feed.symbol === f.symbol && ctx.feed.interval === f.interval;
    const close: number = ctx.close.at(0);
    if (is(trend)) {
      const t = s.trend.update(close);
      if (!Number.isNaN(t)) {
        s.up = close > t;
        ctx.plot('trend EMA', t);
      }
    }
    if (!is(entry)) return;
    const diff = s.fast.update(close) - s.slow.update(close);
    if (Number.isNaN(diff)) return;
    const flat = ctx.position().qty === 0;
    if (flat && s.up && s.prev <= 0 && diff > 0) ctx.buy({ percent: 100, reason: 'cross up with the trend' });
    else if (!flat && (diff < 0 || !s.up)) ctx.closePosition(undefined, diff < 0 ? 'cross down' : 'trend turned');
    s.prev = diff;
  },
});
`;

const spread = `// Two-symbol spread: add a second feed of a related symbol at the same interval (BTC-USDT and
// ETH-USDT). When the log price ratio strays from its mean by more than \`entry\` standard
// deviations, buy the cheap side; leave once the ratio is back within \`exit\`. Long only, as a
// spot account trades.
export default defineStrategy({
  params: {
    lookback: { type: 'int', default: 100, min: 10, max: 5000, description: 'bars of the ratio mean and deviation' },
    entry: { type: 'float', default: 2, min: 0.5, max: 5, description: 'enter beyond this z-score' },
    exit: { type: 'float', default: 0.5, min: 0, max: 3, description: 'leave within this z-score' },
  },
  init(ctx) {
    if (ctx.feeds.length < 2) ctx.log('the spread needs a second feed: add one of a related symbol');
    return { mean: new ctx.ta.SmaStream(ctx.params.lookback), square: new ctx.ta.SmaStream(ctx.params.lookback), at: 0 };
  },
  onCandle(ctx) {
    const [a, b] = ctx.feeds;
    const s = ctx.state;
    // Once per close time, when both feeds have their bar (each feed's candle calls onCandle).
    if (a === undefined || b === undefined || a.time.at(0) !== ctx.time || b.time.at(0) !== ctx.time || s.at === ctx.time) return;
    s.at = ctx.time;
    const ratio = Math.log(a.close.at(0) / b.close.at(0));
    const mean = s.mean.update(ratio);
    const sd = Math.sqrt(Math.max(0, s.square.update(ratio * ratio) - mean * mean));
    if (Number.isNaN(mean) || !(sd > 0)) return;
    const z = (ratio - mean) / sd;
    ctx.plot('z-score', z);
    const holdsA = ctx.position(a.symbol).qty > 0;
    const holdsB = ctx.position(b.symbol).qty > 0;
    if (holdsA && z > -ctx.params.exit) ctx.closePosition(a.symbol, 'ratio back up');
    else if (holdsB && z < ctx.params.exit) ctx.closePosition(b.symbol, 'ratio back down');
    else if (!holdsA && !holdsB && z < -ctx.params.entry) ctx.buy({ symbol: a.symbol, percent: 100, reason: a.symbol + ' cheap' });
    else if (!holdsA && !holdsB && z > ctx.params.entry) ctx.buy({ symbol: b.symbol, percent: 100, reason: b.symbol + ' cheap' });
  },
});
`;

export const STRATEGY_TEMPLATES: readonly StrategyTemplate[] = [
  { id: 'trend-sma-cross', name: 'Trend: SMA crossover', description: 'Long while a fast moving average is above a slow one.', source: trend },
  { id: 'mean-reversion-rsi', name: 'Mean reversion: RSI', description: 'Buy oversold dips, sell the recovery.', source: meanReversion },
  { id: 'breakout-donchian', name: 'Breakout: Donchian channel', description: 'Buy new N-bar highs, leave on M-bar lows.', source: breakout },
  { id: 'momentum-macd', name: 'Momentum: MACD histogram', description: 'Long while MACD momentum is positive.', source: momentum },
  { id: 'volatility-atr', name: 'Volatility breakout: ATR', description: 'Buy a move of k ATRs above the trend, trail a stop of m ATRs.', source: volatility },
  {
    id: 'multi-timeframe-ema',
    name: 'Multi-timeframe: EMA with a trend filter',
    description: 'EMA crossings on the first feed, only while a second, higher-interval feed trends up.',
    source: multiTimeframe,
    feeds: 'a second feed: the same symbol at a higher interval',
  },
  {
    id: 'spread-pairs',
    name: 'Spread: two symbols',
    description: 'Buy the cheap side when the price ratio of two symbols strays from its mean.',
    source: spread,
    feeds: 'a second feed: a related symbol at the same interval',
  },
];
