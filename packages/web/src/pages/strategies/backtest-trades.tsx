/**
 * @module A backtest's trades as the live results show closed trades: the breakdowns per pair,
 * exit reason and day, and the trade list with quantity, fees and duration, a page at a time.
 */
import type { BacktestTrade } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { backtestBreakdowns, pageOf } from '../portfolio/results-format.ts';
import { BreakdownTable, ClosedTradesTable, Pager } from '../portfolio/trade-results.tsx';

/** Trades a page shows. */
const PAGE = 25;

export function BacktestTrades({ trades }: { trades: readonly BacktestTrade[] }): ReactNode {
  const [page, setPage] = useState(0);
  const breakdowns = backtestBreakdowns(trades);
  const shown = pageOf(trades, page, PAGE);
  return (
    <div className="stack" data-testid="backtest-trades">
      <BreakdownTable title="Pair" buckets={breakdowns.byPair} />
      <BreakdownTable title="Exit reason" buckets={breakdowns.byExitReason} />
      <BreakdownTable title="Day" buckets={breakdowns.byDay} />
      <ClosedTradesTable
        rows={shown.rows.map((t, i) => ({
          key: `${page}-${i}`,
          symbol: t.symbol,
          direction: t.direction,
          entryTime: t.entryTime,
          exitTime: t.exitTime,
          quantity: t.qty,
          entryPrice: t.entryPrice,
          exitPrice: t.exitPrice,
          fees: t.fees,
          profit: t.pnl,
          profitPct: t.returnPct,
          reason: `${t.entryReason} → ${t.exitReason}`,
        }))}
      />
      {shown.pages > 1 ? (
        <Pager
          page={Math.min(page, shown.pages - 1)}
          pages={shown.pages}
          hasNext={page < shown.pages - 1}
          onPage={setPage}
        />
      ) : null}
    </div>
  );
}
