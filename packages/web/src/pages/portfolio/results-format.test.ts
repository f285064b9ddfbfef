import type { BacktestTrade } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { backtestBreakdowns, formatDuration, formatPct, pageOf } from './results-format.ts';

const trade = (over: Partial<BacktestTrade>): BacktestTrade => ({
  symbol: 'BTC-USDT',
  direction: 'long',
  entryTime: Date.UTC(2026, 0, 1),
  exitTime: Date.UTC(2026, 0, 1, 5),
  entryPrice: 100,
  exitPrice: 110,
  qty: 1,
  pnl: 9,
  fees: 1,
  returnPct: 0.09,
  entryReason: 'entry',
  exitReason: 'take',
  bars: 5,
  ...over,
});

describe('web - trade results', () => {
  it('words durations and percentages', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
    expect(formatPct(0.0512)).toBe('+5.12 %');
    expect(formatPct(-0.5)).toBe('−50.00 %');
  });

  it('groups backtest trades per pair, exit reason and day as the live summary does', () => {
    const b = backtestBreakdowns([
      trade({}),
      trade({ symbol: 'ETH-USDT', pnl: -3, exitReason: 'stop', exitTime: Date.UTC(2026, 0, 2) }),
      trade({ pnl: 5 }),
    ]);
    expect(b.byPair.map((x) => [x.key, x.trades, x.profit, x.wins, x.losses])).toEqual([
      ['BTC-USDT', 2, 14, 2, 0],
      ['ETH-USDT', 1, -3, 0, 1],
    ]);
    expect(b.byPair[0]!.profitPct).toBeCloseTo(14 / 200, 12);
    expect(b.byExitReason.map((x) => x.key)).toEqual(['take', 'stop']);
    expect(b.byDay.map((x) => x.key)).toEqual(['2026-01-02', '2026-01-01']);
  });

  it('pages rows, clamping the page asked for', () => {
    const rows = Array.from({ length: 25 }, (_, i) => i);
    expect(pageOf(rows, 0, 10)).toEqual({ rows: rows.slice(0, 10), pages: 3 });
    expect(pageOf(rows, 9, 10).rows).toEqual([20, 21, 22, 23, 24]);
    expect(pageOf([], 0, 10)).toEqual({ rows: [], pages: 1 });
  });
});
