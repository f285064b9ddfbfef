/** @module The metrics of a run as a two-column table for a terminal. */
import type { BacktestMetrics as Metrics } from '@tickline/protocol';

const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | null, digits = 2): string =>
  v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits);
const day = (ms: number): string => `${(ms / 86_400_000).toFixed(1)} d`;

/** Rows `[label, value]` in reading order. */
export function metricsRows(m: Metrics): Array<[string, string]> {
  return [
    ['starting capital', num(m.startingCapital)],
    ['final equity', num(m.finalEquity)],
    ['total return', pct(m.totalReturn)],
    ['CAGR', m.cagr === null ? 'n/a (< 30 days)' : pct(m.cagr)],
    ['volatility', pct(m.volatility)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    ['max drawdown', pct(m.drawdown.maxDrawdown)],
    ['longest drawdown', day(m.drawdown.longestDrawdownMs)],
    ['trades', String(m.trades)],
    ['win rate', pct(m.winRate)],
    ['profit factor', num(m.profitFactor)],
    ['expectancy', num(m.expectancy)],
    ['average win', num(m.avgWin)],
    ['average loss', num(m.avgLoss)],
    ['exposure', pct(m.exposure)],
    ['fees paid', num(m.feesPaid)],
  ];
}

export function formatMetricsTable(m: Metrics): string {
  const rows = metricsRows(m);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v.padStart(14)}`).join('\n') + '\n';
}
