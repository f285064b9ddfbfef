/** @module Backtest metrics as a table; several runs side by side in columns. */
import type { BacktestMetrics } from '@tickline/protocol';
import type { ReactNode } from 'react';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(2));

const ROWS: ReadonlyArray<[string, (m: BacktestMetrics) => string]> = [
  ['Final equity', (m) => num(m.finalEquity)],
  ['Total return', (m) => pct(m.totalReturn)],
  // A run under 30 days has no CAGR: compounding hours to a year would read −100 %.
  ['CAGR', (m) => (m.cagr === null ? 'n/a (< 30 days)' : pct(m.cagr))],
  ['Volatility', (m) => pct(m.volatility)],
  ['Sharpe', (m) => num(m.sharpe)],
  ['Sortino', (m) => num(m.sortino)],
  ['Calmar', (m) => num(m.calmar)],
  ['Max drawdown', (m) => pct(m.drawdown.maxDrawdown)],
  ['Trades', (m) => String(m.trades)],
  ['Win rate', (m) => pct(m.winRate)],
  ['Profit factor', (m) => num(m.profitFactor)],
  ['Expectancy', (m) => num(m.expectancy)],
  ['Exposure', (m) => pct(m.exposure)],
  ['Fees', (m) => num(m.feesPaid)],
];

export function MetricsTable({
  columns,
}: {
  columns: ReadonlyArray<{ label: string; metrics: BacktestMetrics }>;
}): ReactNode {
  return (
    <div className="table-scroll">
      <table className="table" data-testid="metrics-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {columns.map((c) => (
                <td key={c.label} className="num">
                  {value(c.metrics)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
