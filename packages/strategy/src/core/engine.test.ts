import { describe, expect, it } from 'vitest';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { feedFromRows } from './candles.test-support.ts';
import type { StrategyDefinition } from './definition.ts';
import { runBacktest } from './engine.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

// Six daily bars [open, high, low, close].
const ROWS = [
  [100, 110, 95, 105],
  [106, 112, 104, 110],
  [111, 111, 100, 102],
  [101, 104, 96, 98],
  [97, 99, 90, 95],
  [96, 101, 94, 100],
] as const;

/** Places scripted orders by bar index. */
function scripted(
  actions: Record<number, (ctx: Parameters<StrategyDefinition['onCandle']>[0]) => void>,
): StrategyDefinition {
  return { onCandle: (ctx) => actions[ctx.feed.index]?.(ctx) };
}

describe('engine - hand-computed fixture', () => {
  // Given 1,000 of capital, 0.1 % taker and 0 % maker fees, no slippage, six daily bars
  const settings = resolveBacktestSettings({ startingCapital: 1000, takerFee: 0.001, makerFee: 0 });
  const feed = feedFromRows('BTC-USDT', '1d', DAY, T0, ROWS);
  let cancelled: boolean | undefined;
  // When the strategy buys 5 at market after bar 0, takes profit with a limit at 111, places and
  // cancels an unreachable limit, buys 4 on a stop at 95.5 that the bar-4 open gaps through,
  // and holds to the end
  const result = runBacktest(
    scripted({
      0: (ctx) => ctx.buy({ qty: 5, reason: 'entry' }),
      1: (ctx) => ctx.sell({ type: 'limit', price: 111, qty: 5, reason: 'take-profit' }),
      2: (ctx) => ctx.buy({ type: 'limit', price: 50, qty: 1, reason: 'never' }),
      3: (ctx) => {
        cancelled = ctx.cancel(ctx.orders()[0]!.id);
        ctx.buy({ type: 'stop', price: 95.5, qty: 4, reason: 'breakout' });
      },
    }),
    [feed],
    settings,
  );

  it('fills at the next open, the limit price, and the gapped open', () => {
    // Then trade 1: 5 @ 106 (fee 0.53) → 5 @ 111 (maker, no fee): pnl 25 − 0.53
    // and trade 2: 4 @ 97 (stop at 95.5, bar opened above it; fee 0.388) → 4 @ 100 at the end (fee 0.4)
    expect(cancelled).toBe(true);
    expect(result.trades).toEqual([
      {
        symbol: 'BTC-USDT',
        direction: 'long',
        entryTime: T0 + DAY,
        exitTime: T0 + 2 * DAY,
        entryPrice: 106,
        exitPrice: 111,
        qty: 5,
        pnl: 24.47,
        fees: 0.53,
        returnPct: 24.47 / 530,
        entryReason: 'entry',
        exitReason: 'take-profit',
        bars: 1,
      },
      {
        symbol: 'BTC-USDT',
        direction: 'long',
        entryTime: T0 + 4 * DAY,
        exitTime: T0 + 6 * DAY,
        entryPrice: 97,
        exitPrice: 100,
        qty: 4,
        pnl: expect.closeTo(11.212, 12),
        fees: expect.closeTo(0.788, 12),
        returnPct: expect.closeTo(11.212 / 388, 12),
        entryReason: 'breakout',
        exitReason: 'end-of-data',
        bars: 2,
      },
    ]);
    expect(result.fills).toBe(4);
  });

  it('marks equity to market at every close', () => {
    // Then cash/position at each close: 1000; 469.47 + 5×110; 1024.47; 1024.47; 636.082 + 4×95; after the close-out 1035.682
    expect([...result.equity.time]).toEqual([1, 2, 3, 4, 5, 6].map((d) => T0 + d * DAY));
    const expected = [1000, 1019.47, 1024.47, 1024.47, 1016.082, 1035.682];
    [...result.equity.value].forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
  });

  it('computes the metrics table from those numbers', () => {
    const m = result.metrics;
    const eq = [1000, 1000, 1019.47, 1024.47, 1024.47, 1016.082, 1035.682];
    const daily = eq.slice(1).map((v, i) => v / eq[i]! - 1);
    const mean = daily.reduce((a, b) => a + b, 0) / 6;
    const std = Math.sqrt(daily.reduce((a, r) => a + (r - mean) ** 2, 0) / 5);
    const downside = Math.sqrt(daily.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / 6);
    const maxDd = 1 - 1016.082 / 1024.47;
    expect(m.finalEquity).toBeCloseTo(1035.682, 9);
    expect(m.totalReturn).toBeCloseTo(0.035682, 12);
    // Six days are too few for a CAGR (docs/backtesting.md): daily bars make 365 a year
    expect(m.cagr).toBeNull();
    expect(m.volatility).toBeCloseTo(std * Math.sqrt(365), 12);
    expect(m.sharpe).toBeCloseTo((mean / std) * Math.sqrt(365), 9);
    expect(m.sortino).toBeCloseTo((mean / downside) * Math.sqrt(365), 9);
    expect(m.drawdown).toEqual({
      maxDrawdown: expect.closeTo(maxDd, 12),
      peakTime: T0 + 4 * DAY,
      troughTime: T0 + 5 * DAY,
      recoveryTime: T0 + 6 * DAY,
      longestDrawdownMs: 2 * DAY,
    });
    expect(m.calmar).toBeNull();
    expect(m.trades).toBe(2);
    expect(m.winRate).toBe(1);
    expect(m.profitFactor).toBeNull();
    expect(m.expectancy).toBeCloseTo((24.47 + 11.212) / 2, 12);
    expect(m.avgWin).toBeCloseTo(17.841, 12);
    expect(m.avgLoss).toBe(0);
    expect(m.exposure).toBe(0.5);
    expect(m.feesPaid).toBeCloseTo(1.318, 12);
    expect(m.periodReturns.day.map((p) => p.return)).toEqual(daily.map((r) => expect.closeTo(r, 12)));
    // 2024-01-01 was a Monday: the six days are one week and one month
    expect(m.periodReturns.week).toEqual([{ start: T0, return: expect.closeTo(0.035682, 12) }]);
    expect(m.periodReturns.month).toEqual([{ start: T0, return: expect.closeTo(0.035682, 12) }]);
  });
});

describe('engine - orders and accounting', () => {
  const feed = feedFromRows('BTC-USDT', '1d', DAY, T0, ROWS);

  it('scores a run inside one day on its hourly returns (issue 48: no more null)', () => {
    // Given three hourly bars inside one day, a trade that moves with them
    const hourly = feedFromRows('BTC-USDT', '1h', DAY / 24, T0, ROWS.slice(0, 3));
    const r = runBacktest(
      scripted({ 0: (ctx) => ctx.buy({ qty: 1 }) }),
      [hourly],
      resolveBacktestSettings({ takerFee: 0 }),
    );
    // Then one daily return, but three hourly ones to measure and annualise (√8,760)
    expect(r.metrics.periodReturns.day).toHaveLength(1);
    expect(r.metrics.volatility).toBeGreaterThan(0);
    expect(Number.isFinite(r.metrics.sharpe)).toBe(true);
  });

  it('sizes a percent-of-equity buy so price plus fee fits the equity', () => {
    // Given 0.1 % taker fee, When buying 100 % after bar 0
    const settings = resolveBacktestSettings({ startingCapital: 1000, takerFee: 0.001, closeAtEnd: false });
    const r = runBacktest(scripted({ 0: (ctx) => ctx.buy({ percent: 100 }) }), [feed], settings);
    // Then qty = 1000 / (106 × 1.001) and cash ends at 0
    const qty = 1000 / (106 * 1.001);
    expect(r.equity.value[1]).toBeCloseTo(qty * 110, 9);
    expect(r.metrics.trades).toBe(0);
  });

  it('a paused span: the strategy sees its bars, what it places or cancels there is undone, working orders fill', () => {
    // Given no fees, 5 bought at bar 1's open (106) and a buy limit at 92 resting from bar 1,
    // When bars 2 and 3 are a paused span in which the strategy cancels everything and buys 3
    const settings = resolveBacktestSettings({
      startingCapital: 1000,
      takerFee: 0,
      makerFee: 0,
      closeAtEnd: false,
    });
    const seen: number[] = [];
    const strategy = scripted({
      0: (ctx) => ctx.buy({ qty: 5, reason: 'entry' }),
      1: (ctx) => ctx.buy({ type: 'limit', price: 92, qty: 1, reason: 'dip' }),
      2: (ctx) => {
        seen.push(ctx.close.at(0));
        ctx.cancelAll();
        ctx.buy({ qty: 3, reason: 'paused' });
      },
      3: (ctx) => {
        seen.push(ctx.close.at(0));
        ctx.cancelAll();
        ctx.buy({ qty: 3, reason: 'paused' });
      },
      4: (ctx) => ctx.sell({ qty: 6, reason: 'exit' }),
    });
    const paused = [{ after: T0 + 2 * DAY, until: T0 + 4 * DAY }];
    const r = runBacktest(strategy, [feed], settings, { recordSignals: true, paused });
    // Then it saw bars 2 and 3, recorded nothing on them, the limit filled at 92 on bar 4's low
    // (90), and the exit sold all six at bar 5's open (96): 1000 − 530 − 92 + 576
    expect(seen).toEqual([102, 98]);
    expect(r.signals.map((x) => [(x.time - T0) / DAY - 1, x.side, x.qty])).toEqual([
      [0, 'buy', 5],
      [1, 'buy', 1],
      [4, 'sell', 6],
    ]);
    expect(r.equity.value.at(-1)).toBe(954);
    // Not paused, the same strategy cancels the limit and buys twice more: still long 5.
    const free = runBacktest(strategy, [feed], settings, { recordSignals: true });
    expect(free.signals).toHaveLength(5);
    expect(free.equity.value.at(-1)).not.toBe(954);
  });

  it('rejects a sell with nothing to sell unless shorting is on, and shorts when it is', () => {
    const noShort = runBacktest(
      scripted({ 0: (ctx) => ctx.sell({ qty: 1 }) }),
      [feed],
      resolveBacktestSettings({ takerFee: 0 }),
    );
    expect(noShort.rejectedOrders).toBe(1);
    expect(noShort.logs[0]!.text).toMatch(/nothing to sell/);
    // Given shorting, When selling 1 at 106 (bar-1 open) and holding to the last close 100
    const short = runBacktest(
      scripted({ 0: (ctx) => ctx.sell({ qty: 1, reason: 'short' }) }),
      [feed],
      resolveBacktestSettings({ takerFee: 0, allowShort: true }),
    );
    // Then a short trade earns 6
    expect(short.trades).toMatchObject([{ direction: 'short', entryPrice: 106, exitPrice: 100, pnl: 6 }]);
  });

  it('clips a buy to the buying power without leverage and allows twice as much with 2×', () => {
    const buyTen = scripted({ 0: (ctx) => ctx.buy({ qty: 10 }) });
    const plain = runBacktest(
      buyTen,
      [feed],
      resolveBacktestSettings({ startingCapital: 1000, takerFee: 0, closeAtEnd: false }),
    );
    // Then 1000 / 106 units, not 10
    expect(plain.equity.value[1]).toBeCloseTo((1000 / 106) * 110 + 0, 9);
    const levered = runBacktest(
      buyTen,
      [feed],
      resolveBacktestSettings({ startingCapital: 1000, takerFee: 0, maxLeverage: 2, closeAtEnd: false }),
    );
    expect(levered.equity.value[1]).toBeCloseTo(1000 - 1060 + 1100, 9);
  });

  it('applies slippage against the order, inside the bar range', () => {
    const buy = scripted({ 0: (ctx) => ctx.buy({ qty: 1 }), 1: (ctx) => ctx.closePosition() });
    // 100 bps on 106 → 107.06; on the exit open 111 → 109.89
    const bps = runBacktest(
      buy,
      [feed],
      resolveBacktestSettings({ takerFee: 0, slippage: { kind: 'bps', bps: 100 } }),
    );
    expect(bps.trades[0]).toMatchObject({
      entryPrice: expect.closeTo(107.06, 12),
      exitPrice: expect.closeTo(109.89, 12),
    });
    // Half the range: bar 1 range 8 → 106 + 4 = 110; bar 2 range 11 → 111 − 5.5 = 105.5
    const range = runBacktest(
      buy,
      [feed],
      resolveBacktestSettings({ takerFee: 0, slippage: { kind: 'range', fraction: 0.5 } }),
    );
    expect(range.trades[0]).toMatchObject({ entryPrice: 110, exitPrice: 105.5 });
    // A huge slippage is clamped to the bar's high
    const clamp = runBacktest(
      buy,
      [feed],
      resolveBacktestSettings({ takerFee: 0, slippage: { kind: 'bps', bps: 1000 } }),
    );
    expect(clamp.trades[0]!.entryPrice).toBe(112);
  });

  it('fills a sell stop at the stop, or at the open when the bar gaps below it', () => {
    const run = (stop: number) =>
      runBacktest(
        scripted({
          0: (ctx) => ctx.buy({ qty: 1 }),
          1: (ctx) => ctx.sell({ type: 'stop', price: stop, qty: 1 }),
        }),
        [feed],
        resolveBacktestSettings({ takerFee: 0 }),
      ).trades[0]!;
    // bar 2: open 111, low 100
    expect(run(105).exitPrice).toBe(105);
    expect(run(120).exitPrice).toBe(111);
    expect(run(89).exitReason).toBe('end-of-data');
  });

  it('shows only bars up to the current one', () => {
    const seen: number[] = [];
    runBacktest(
      { onCandle: (ctx) => seen.push(ctx.close.at(-1), ctx.close.at(0), ctx.close.length) },
      [feed],
      resolveBacktestSettings(),
    );
    expect(seen.slice(0, 6)).toEqual([NaN, 105, 1, NaN, 110, 2]);
  });

  it('rejects malformed orders with STRATEGY_ORDER_INVALID', () => {
    const bad = [
      {},
      { qty: 1, percent: 5 },
      { qty: -1 },
      { type: 'limit', qty: 1 },
      { qty: 1, symbol: 'ETH-USDT' },
      { percent: 150 },
    ];
    for (const request of bad) {
      expect(() =>
        runBacktest(scripted({ 0: (ctx) => ctx.buy(request as never) }), [feed], resolveBacktestSettings()),
      ).toThrow(expect.objectContaining({ code: 'STRATEGY_ORDER_INVALID' }));
    }
  });

  it('validates parameters against their declarations', () => {
    const def: StrategyDefinition = {
      params: {
        fast: { type: 'int', default: 10, min: 2, max: 50 },
        mode: { type: 'enum', default: 'a', values: ['a', 'b'] },
      },
      onCandle: () => {},
    };
    expect(runBacktest(def, [feed], resolveBacktestSettings(), { params: { fast: 20 } }).params).toEqual({
      fast: 20,
      mode: 'a',
    });
    for (const params of [{ fast: 1 }, { fast: 2.5 }, { fast: '3' }, { mode: 'c' }, { slow: 3 }]) {
      expect(() => runBacktest(def, [feed], resolveBacktestSettings(), { params })).toThrow(
        expect.objectContaining({ code: 'STRATEGY_PARAM_INVALID' }),
      );
    }
  });
});

describe('engine - several feeds', () => {
  it('calls onCandle per feed in close-time order and fills on the symbol’s finest feed', () => {
    const H = 3_600_000;
    const minutes = feedFromRows(
      'BTC-USDT',
      '1h',
      H,
      T0,
      Array.from({ length: 48 }, (_, i) => [100 + i, 101 + i, 99 + i, 100.5 + i] as const),
    );
    const daily = feedFromRows('BTC-USDT', '1d', DAY, T0, [
      [100, 148, 99, 123.5],
      [124, 148, 123, 147.5],
    ]);
    const eth = feedFromRows('ETH-USDT', '1d', DAY, T0, [
      [10, 11, 9, 10],
      [10, 12, 9, 11],
    ]);
    const calls: string[] = [];
    const r = runBacktest(
      {
        onCandle: (ctx) => {
          calls.push(`${ctx.feed.symbol}@${ctx.feed.interval}:${ctx.feed.index}`);
          if (ctx.feed.interval === '1d' && ctx.feed.symbol === 'BTC-USDT' && ctx.feed.index === 0)
            ctx.buy({ qty: 1 });
        },
      },
      [minutes, daily, eth],
      resolveBacktestSettings({ takerFee: 0 }),
    );
    expect(calls.slice(22, 27)).toEqual([
      'BTC-USDT@1h:22',
      'BTC-USDT@1h:23',
      'BTC-USDT@1d:0',
      'ETH-USDT@1d:0',
      'BTC-USDT@1h:24',
    ]);
    // The daily signal fills at the open of the next hourly bar (index 24: 124)
    expect(r.trades[0]).toMatchObject({ entryPrice: 124, entryTime: T0 + DAY, exitPrice: 147.5 });
    expect(r.bars).toBe(52);
  });
});
