/**
 * @module `tickline portfolio`, `orders`, `trades` and `profit` over the API: the portfolio and its
 * positions, its orders, its closed trades (round trips, a page at a time) and its profit summary
 * per run, pair, exit reason and day — of the whole portfolio, or of one live run with `--run`.
 */
import type {
  ClosedTradesResponse,
  Order,
  PortfolioDetail,
  ProfitBucket,
  ProfitSummary,
} from '@tickline/protocol';
import { apiClient, type ApiCall } from '../api/api-client.ts';
import { iso, num, print, type ApiCommandOptions } from '../api/api-command.ts';
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

export interface ResultsOptions extends PortfolioOptions {
  /** A live run's results instead of the whole portfolio's. */
  run?: string;
  symbol?: string;
}

/** The route of the portfolio's results, or the run's with `--run`. */
async function resultsPath(call: ApiCall, o: ResultsOptions, what: 'trades' | 'profit'): Promise<string> {
  if (o.run !== undefined) return `/live-strategies/${encodeURIComponent(o.run)}/${what}`;
  return `/portfolios/${encodeURIComponent(await portfolioOf(call, o.portfolio))}/${what}`;
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${money(n)}`;

/** A duration as the largest two units: `2d 3h`, `5m 10s`. */
export function duration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  const parts: string[] = [];
  let left = Math.max(0, Math.round(ms));
  for (const [unit, size] of units) {
    const n = Math.floor(left / size);
    left -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

/** A breakdown as aligned lines after a blank one (none when empty): live profit and backtests alike. */
export function bucketLines(title: string, rows: readonly ProfitBucket[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    ...alignColumns(
      [title, 'trades', 'wins', 'losses', 'profit', 'profit %', 'fees'],
      rows.map((b) => [
        b.key,
        String(b.trades),
        String(b.wins),
        String(b.losses),
        signed(b.profit),
        pct(b.profitPct),
        money(b.fees),
      ]),
    ),
  ];
}

/** The profit summary: totals, then per run, pair, exit reason and day. */
export function formatProfit(of: string, p: ProfitSummary): string {
  const lines = [
    `profit of ${of}: realised ${signed(p.realized)}, unrealised ${signed(p.unrealized)}, fees ${money(p.fees)}`,
    `${p.trades} closed trades (${p.wins} won, ${p.losses} lost, win rate ${pct(p.winRate)}), ${p.openTrades} open; profit ${pct(p.profitPct)}; average duration ${duration(p.avgDurationMs)}`,
    ...bucketLines('run', p.byRun),
    ...bucketLines('pair', p.byPair),
    ...bucketLines('exit reason', p.byExitReason),
    ...bucketLines('day', p.byDay),
  ];
  return `${lines.join('\n')}\n`;
}

export async function profitCommand(io: CliIo, o: ResultsOptions, fetchFn?: typeof fetch): Promise<void> {
  const call = apiClient(io, o, fetchFn);
  const path = await resultsPath(call, o, 'profit');
  const query = o.symbol === undefined ? '' : `?symbol=${encodeURIComponent(o.symbol.toUpperCase())}`;
  const { profit } = await call<{ profit: ProfitSummary }>('GET', `${path}${query}`);
  const of = o.run ?? path.split('/')[2]!;
  print(io, o, profit, () => formatProfit(decodeURIComponent(of), profit));
}

/** Closed trades as a table, newest exit first. */
export function formatTrades(page: ClosedTradesResponse): string {
  if (page.trades.length === 0) return 'no closed trades\n';
  const rows = page.trades.map((t) => [
    t.run,
    t.symbol,
    t.direction,
    iso(t.entryTime),
    iso(t.exitTime),
    duration(t.durationMs),
    num(t.quantity),
    num(t.entryPrice),
    num(t.exitPrice),
    money(t.fees),
    signed(t.profit),
    pct(t.profitPct),
    t.exitReason,
  ]);
  const head = [
    'run',
    'symbol',
    'side',
    'entry',
    'exit',
    'duration',
    'quantity',
    'entry price',
    'exit price',
    'fees',
    'profit',
    'profit %',
    'exit reason',
  ];
  const more =
    page.nextCursor === undefined
      ? ''
      : `\n${page.trades.length} of ${page.total}: the next page with --cursor ${page.nextCursor}\n`;
  return `${alignColumns(head, rows).join('\n')}\n${more}`;
}

export async function tradesCommand(
  io: CliIo,
  o: ResultsOptions & { limit?: string; cursor?: string },
  fetchFn?: typeof fetch,
): Promise<void> {
  const call = apiClient(io, o, fetchFn);
  if (o.limit !== undefined && !/^[1-9]\d*$/.test(o.limit))
    throw bad(`--limit must be a positive integer, got ${o.limit}`);
  const query = new URLSearchParams({
    ...(o.symbol === undefined ? {} : { symbol: o.symbol.toUpperCase() }),
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    ...(o.cursor === undefined ? {} : { cursor: o.cursor }),
  }).toString();
  const page = await call<ClosedTradesResponse>(
    'GET',
    `${await resultsPath(call, o, 'trades')}${query ? `?${query}` : ''}`,
  );
  print(io, o, page, () => formatTrades(page));
}
