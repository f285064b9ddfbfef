/**
 * @module `tickline portfolio`, `tickline orders` and `tickline profit` over the API. The server has
 * no profit summary yet: `profit` adds up what the portfolio (realised and unrealised P&L and fees
 * per position, equity against the day's start) and its filled orders give.
 */
import type { Order, PortfolioDetail } from '@tickline/protocol';
import { apiClient } from '../api/api-client.ts';
import { num, print, type ApiCommandOptions } from '../api/api-command.ts';
import { badArgument as bad } from '../cli-errors.ts';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';
import { formatOrders, portfolioOf } from '../live/live-run-actions.ts';

export interface PortfolioOptions extends ApiCommandOptions {
  portfolio?: string;
}

const money = (n: number) => n.toFixed(2);

/** The portfolio: cash, equity, today's change, and its positions. */
export function formatPortfolio(p: PortfolioDetail): string {
  const change = p.equity - p.dayStartEquity;
  const lines = [
    `portfolio ${p.portfolioId}: equity ${money(p.equity)}, cash ${money(p.cash)}, today ${change >= 0 ? '+' : ''}${money(change)}`,
  ];
  if (p.positions.length === 0) return `${lines[0]}\nno positions\n`;
  const rows = p.positions.map((x) => [
    x.symbol,
    num(x.quantity),
    num(x.averagePrice),
    num(x.markPrice),
    money(x.unrealizedPnl),
    money(x.realizedPnl),
    money(x.fees),
  ]);
  lines.push(
    '',
    ...alignColumns(['symbol', 'quantity', 'avg price', 'mark', 'unrealised', 'realised', 'fees'], rows),
  );
  return `${lines.join('\n')}\n`;
}

export async function portfolioCommand(
  io: CliIo,
  o: PortfolioOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  const call = apiClient(io, o, fetchFn);
  const id = await portfolioOf(call, o.portfolio);
  const p = await call<PortfolioDetail>('GET', `/portfolios/${encodeURIComponent(id)}`);
  print(io, o, p, () => formatPortfolio(p));
}

export async function ordersCommand(
  io: CliIo,
  o: PortfolioOptions & { all?: boolean; limit?: string },
  fetchFn?: typeof fetch,
): Promise<void> {
  const call = apiClient(io, o, fetchFn);
  const id = await portfolioOf(call, o.portfolio);
  if (o.limit !== undefined && !/^[1-9]\d*$/.test(o.limit))
    throw bad(`--limit must be a positive integer, got ${o.limit}`);
  const query = `?status=${o.all ? 'all' : 'open'}${o.limit === undefined ? '' : `&limit=${o.limit}`}`;
  const { orders } = await call<{ orders: Order[] }>(
    'GET',
    `/portfolios/${encodeURIComponent(id)}/orders${query}`,
  );
  print(io, o, orders, () => formatOrders(orders));
}

/** What `profit` prints: totals, then per symbol. */
export interface ProfitSummary {
  portfolioId: string;
  equity: number;
  today: number;
  realized: number;
  unrealized: number;
  fees: number;
  filledOrders: number;
  bySymbol: Array<{
    symbol: string;
    realized: number;
    unrealized: number;
    fees: number;
    filledOrders: number;
  }>;
  /** Says where the figures come from (no profit summary on the server yet). */
  source: string;
}

export function profitOf(p: PortfolioDetail, orders: readonly Order[]): ProfitSummary {
  const filled = orders.filter((o) => o.filledQuantity > 0);
  const symbols = [...new Set([...p.positions.map((x) => x.symbol), ...filled.map((o) => o.symbol)])].sort();
  const bySymbol = symbols.map((symbol) => {
    const x = p.positions.find((q) => q.symbol === symbol);
    return {
      symbol,
      realized: x?.realizedPnl ?? 0,
      unrealized: x?.unrealizedPnl ?? 0,
      fees: x?.fees ?? 0,
      filledOrders: filled.filter((o) => o.symbol === symbol).length,
    };
  });
  const sum = (k: 'realized' | 'unrealized' | 'fees') => bySymbol.reduce((s, r) => s + r[k], 0);
  return {
    portfolioId: p.portfolioId,
    equity: p.equity,
    today: p.equity - p.dayStartEquity,
    realized: sum('realized'),
    unrealized: sum('unrealized'),
    fees: sum('fees'),
    filledOrders: filled.length,
    bySymbol,
    source: "the portfolio's positions and its last 1,000 orders (the server has no profit summary yet)",
  };
}

export function formatProfit(s: ProfitSummary): string {
  const lines = [
    `profit of ${s.portfolioId}: realised ${money(s.realized)}, unrealised ${money(s.unrealized)}, fees ${money(s.fees)}; equity ${money(s.equity)} (today ${s.today >= 0 ? '+' : ''}${money(s.today)}); ${s.filledOrders} filled orders`,
  ];
  if (s.bySymbol.length > 0)
    lines.push(
      '',
      ...alignColumns(
        ['symbol', 'realised', 'unrealised', 'fees', 'filled orders'],
        s.bySymbol.map((r) => [
          r.symbol,
          money(r.realized),
          money(r.unrealized),
          money(r.fees),
          String(r.filledOrders),
        ]),
      ),
    );
  lines.push('', `from ${s.source}`);
  return `${lines.join('\n')}\n`;
}

export async function profitCommand(io: CliIo, o: PortfolioOptions, fetchFn?: typeof fetch): Promise<void> {
  const call = apiClient(io, o, fetchFn);
  const id = encodeURIComponent(await portfolioOf(call, o.portfolio));
  const [p, { orders }] = await Promise.all([
    call<PortfolioDetail>('GET', `/portfolios/${id}`),
    call<{ orders: Order[] }>('GET', `/portfolios/${id}/orders?status=all&limit=1000`),
  ]);
  const summary = profitOf(p, orders);
  print(io, o, summary, () => formatProfit(summary));
}
