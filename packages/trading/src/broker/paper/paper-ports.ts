/**
 * @module What the paper broker and the portfolio ledger need from the strategy core — the
 * interfaces only. Both are written after the core lands, reusing its fill model and accounting so
 * paper fills and portfolio figures equal the backtest's to the bit (issue 11's parity test).
 *
 * The paper broker implements {@link Broker} and runs the broker contract suite; its `trade()`
 * hook is {@link PaperBroker.onBar}. The portfolio ledger folds the order events into cash,
 * positions and P&L and is what {@link PortfolioRiskView} reads.
 */
import type { Broker } from '../broker.ts';
import type { OrderFilledData } from '../events.ts';
import type { Order, OrderSide, OrderType } from '../order.ts';

/**
 * A price range the market traded through: a closed candle of one interval. Feeding the
 * backtest's candles here gives the backtest's fills.
 */
export interface PaperBar {
  symbol: string;
  /**
   * The candle's interval. A bar fills only the orders whose fill interval it is (a strategy's:
   * its run's execution feed; anyone else's: the venue's default), as a backtest fills a run's
   * orders with the next bar of its execution feed and never with a bar of another interval.
   */
  interval: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Traded base quantity; partial fills take at most this much. Infinity when unknown. */
  volume: number;
  /**
   * Epoch ms of the bar's start (or the trade): the fill time, as a backtest stamps a fill with the
   * bar that made it. A strategy's order fills only on bars starting at or after the close of the
   * candle it was decided on.
   */
  time: number;
}

/**
 * The core fill model, as the paper broker calls it (strategy `core/fill-model.ts` and the engine
 * settings): the same functions the backtest engine calls per bar, no copy.
 */
export interface PaperFillModel {
  /**
   * The price a resting limit or stop fills at on a bar, or NaN when the bar does not reach it
   * (limits at their price or better, at the open after a gap; stops at their price, or the
   * worse open after a gap). Core: `crossingPrice(order, open, high, low)`.
   */
  crossingPrice(
    order: { side: OrderSide; type: 'limit' | 'stop'; price: number },
    open: number,
    high: number,
    low: number,
  ): number;
  /** Market and stop fill prices moved against the order and clamped to [low, high]. Core: `slipped(...)` with the settings' slippage. */
  slipped(side: OrderSide, price: number, high: number, low: number): number;
  /** The fee of a fill in quote currency: maker rate for limits, taker for market and stop. Core: `makerFee` / `takerFee`. */
  fee(type: OrderType, notional: number): number;
}

/** Options a paper broker is made with. */
export interface PaperBrokerOptions {
  fillModel: PaperFillModel;
  /** Cash and positions to check orders against (insufficient funds), per portfolio. */
  ledger: PortfolioLedgerReader;
  /** Symbols it accepts (others: `unknown_symbol`). */
  symbols: ReadonlySet<string>;
  /** Last price per symbol, for market orders between bars. */
  lastPrice(symbol: string): number | undefined;
}

/** The paper adapter: a Broker whose market is fed bar by bar. */
export interface PaperBroker extends Broker {
  /**
   * Fills what this bar reaches of the working orders of its symbol and interval, in placement
   * order (market orders at the bar's open, as the backtest does), and returns the orders that
   * changed; the order desk's `applyUpdate` turns them into events.
   */
  onBar(bar: PaperBar): Promise<Order[]>;
  /**
   * A bar that closed while nobody fed the venue (a restart longer than a candle): fills, as
   * {@link onBar} would have then, the working orders `select` picks — the orders of a run
   * deciding its stored candles one by one — and nobody else's. The venue's last price stays: the
   * bar is history, not the market now.
   */
  onPastBar(bar: PaperBar, select: (order: Order) => boolean): Promise<Order[]>;
  /**
   * A price seen after the last one — a trade, or a closed 1-second candle's close — for the
   * market orders placed to fill at the next price (`'next-price'`): each fills whole at it, with
   * no slippage past it and the taker fee. Limit, stop and next-bar orders wait for `onBar`.
   * Returns the orders that changed, as `onBar` does.
   */
  onPrice(symbol: string, price: number, time: number): Promise<Order[]>;
  /** True while a market order of `symbol` waits for the next price (feed `onPrice` then). */
  awaitsPrice(symbol: string): boolean;
  /**
   * Holds a working order again as it was journalled — placed by this venue before a restart, or
   * by another process's venue that is gone — so later bars fill it. False (and nothing changes)
   * when the venue already knows the id or the order is not working.
   */
  adopt(order: Order): boolean;
}

/** One position as the ledger keeps it (core `Position`: signed quantity, average price). */
export interface LedgerPosition {
  symbol: string;
  /** Signed: > 0 long. */
  quantity: number;
  averagePrice: number;
  /** Last price seen, for marking to market. */
  markPrice: number;
  realizedPnl: number;
}

/** Read side of a portfolio's books. */
export interface PortfolioLedgerReader {
  cash(portfolioId: string): number;
  position(portfolioId: string, symbol: string): LedgerPosition | undefined;
  /** Cash plus positions marked to their last price. */
  equity(portfolioId: string): number;
  /** Equity at the last 00:00 UTC (the daily-loss limit's base). */
  dayStartEquity(portfolioId: string): number;
}

/**
 * The portfolio's books: the core `Ledger` applied to order events instead of simulated fills.
 * Fees arrive in the venue's fee asset (Binance charges a buy's fee in the base asset); the
 * ledger books them in quote at the fill price, as the core does, and a base-asset fee also
 * reduces the quantity received.
 */
export interface PortfolioLedger extends PortfolioLedgerReader {
  /** Opening state: the account snapshot's cash and positions (seed 002 flow). */
  open(
    portfolioId: string,
    cash: number,
    positions: ReadonlyArray<{ symbol: string; quantity: number; averagePrice: number }>,
  ): void;
  /** Books one execution; idempotency is the projection's (dedupe by event id in the same transaction). */
  applyFill(fill: OrderFilledData): void;
  /** Marks a symbol to a new last price (market.trade or candle close) for unrealized P&L and equity. */
  mark(symbol: string, price: number, time: number): void;
}
