/**
 * @module The portfolio's books: the core {@link Ledger} (the backtest's own accounting) applied to
 * `order.filled` events instead of simulated fills, one ledger per portfolio. Cash, signed
 * positions with average price, fees and round trips are booked by the core code, so a paper
 * portfolio fed the backtest's fills holds the backtest's figures to the bit.
 *
 * Fees arrive in the venue's fee asset: a quote-asset fee is booked as is; a base-asset fee (a
 * Binance buy) is booked in quote at the fill price, and also reduces the quantity received.
 */
import { parseEquitySymbol } from '@tickline/market';
import { Ledger } from '@tickline/strategy';
import type { OrderFilledData } from '../broker/events.ts';
import type { LedgerPosition, PortfolioLedger } from '../broker/paper/paper-ports.ts';

const DAY_MS = 86_400_000;

/** One portfolio's core ledger and what the core does not keep across round trips. */
interface Book {
  ledger: Ledger;
  /** Realized P&L (before fees) of closed round trips, per symbol. */
  closedRealized: Map<string, number>;
  /** Fees paid, per symbol. */
  fees: Map<string, number>;
  /** Entry fees of the quantity still held, per symbol: paid, but a cost of the open position. */
  openFees: Map<string, number>;
  /** UTC day (epoch ms / day) of the last change, and equity when it began. */
  day: number;
  dayStartEquity: number;
  fills: number;
}

/** The split of a canonical `BASE-QUOTE` symbol; a share (`AAPL.US`) is its own base, in its currency. */
export function symbolAssets(symbol: string): { base: string; quote: string } {
  const share = parseEquitySymbol(symbol);
  if (share) return { base: symbol, quote: share.currency };
  const i = symbol.indexOf('-');
  return { base: symbol.slice(0, i), quote: symbol.slice(i + 1) };
}

/**
 * A position to open a book with: a snapshot's (symbol, quantity, average price), or a stored
 * row of the projection with its P&L so far (realized P&L then counts as already closed).
 */
export interface OpeningPosition {
  symbol: string;
  quantity: number;
  averagePrice: number;
  markPrice?: number;
  realizedPnl?: number;
  fees?: number;
}

/** A position with its P&L, as the portfolio read model shows it. */
export interface PortfolioPosition extends LedgerPosition {
  /** (mark − average) × quantity; 0 while no price is known. */
  unrealizedPnl: number;
  /** Fees paid on this symbol, in quote. */
  fees: number;
  /**
   * The part of `fees` paid to enter the quantity still held: not realized until it is sold, so
   * realized after fees is `realizedPnl − fees + openFees` (a lone buy's fee is not a realized loss).
   */
  openFees: number;
}

/**
 * The entry fees still open after a fill of `fee` moved a position from `before` to `after`
 * (signed): an entry adds its fee; an exit releases the closed part's share; a fill past flat keeps
 * the share of its fee that opened the new position.
 */
export function openFeesAfter(open: number, before: number, after: number, fee: number): number {
  const moved = after - before;
  if (after === 0 || moved === 0) return after === 0 ? 0 : open;
  if (before === 0 || Math.sign(before) === Math.sign(moved)) return open + fee;
  if (Math.sign(after) !== Math.sign(before)) return (fee * Math.abs(after)) / Math.abs(moved);
  return (open * Math.abs(after)) / Math.abs(before);
}

/** {@link PortfolioLedger} on the core ledger. */
export class CorePortfolioLedger implements PortfolioLedger {
  readonly #books = new Map<string, Book>();
  /**
   * The books with a position in each symbol, so a closed candle marks those only (5,000 books
   * walked for each of 20 symbols was most of a candle close's marking).
   */
  readonly #holders = new Map<string, Set<Book>>();
  /** The UTC day of the last mark: a mark in a later day rolls every book's day first. */
  #markDay = Number.NEGATIVE_INFINITY;
  /** Books opened since the last mark, not yet rolled to its day. */
  #unrolled = new Set<Book>();

  /** Opens (or re-opens, replacing) a portfolio with its snapshot's cash and positions. */
  open(
    portfolioId: string,
    cash: number,
    positions: ReadonlyArray<OpeningPosition> = [],
    day?: { day: number; dayStartEquity: number; fills: number },
  ): void {
    const ledger = new Ledger(cash, Number.POSITIVE_INFINITY);
    const closedRealized = new Map<string, number>();
    const fees = new Map<string, number>();
    // A restored position's entry fees are not stored apart from its realized ones: none are open.
    const openFees = new Map<string, number>();
    for (const p of positions) {
      if (p.realizedPnl !== undefined) closedRealized.set(p.symbol, p.realizedPnl);
      if (p.fees !== undefined) fees.set(p.symbol, p.fees);
      const position = ledger.position(p.symbol);
      if (p.markPrice !== undefined) position.mark = p.markPrice;
      if (p.quantity === 0) continue;
      position.qty = p.quantity;
      position.avgPrice = p.averagePrice;
      position.entryQty = Math.abs(p.quantity);
      position.entryNotional = Math.abs(p.quantity) * p.averagePrice;
      if (p.markPrice === undefined) position.mark = p.averagePrice;
    }
    const replaced = this.#books.get(portfolioId);
    if (replaced !== undefined) {
      for (const p of replaced.ledger.list) this.#holders.get(p.symbol)?.delete(replaced);
      this.#unrolled.delete(replaced);
    }
    const book: Book = {
      ledger,
      closedRealized,
      fees,
      openFees,
      day: day?.day ?? Number.NaN,
      dayStartEquity: day?.dayStartEquity ?? ledger.equity(),
      fills: day?.fills ?? 0,
    };
    this.#books.set(portfolioId, book);
    for (const p of ledger.list) this.#hold(book, p.symbol);
    this.#unrolled.add(book);
  }

  #hold(book: Book, symbol: string): void {
    let holders = this.#holders.get(symbol);
    if (holders === undefined) this.#holders.set(symbol, (holders = new Set()));
    holders.add(book);
  }

  has(portfolioId: string): boolean {
    return this.#books.has(portfolioId);
  }

  portfolioIds(): string[] {
    return [...this.#books.keys()];
  }

  #book(portfolioId: string): Book {
    let book = this.#books.get(portfolioId);
    if (book === undefined) {
      this.open(portfolioId, 0);
      book = this.#books.get(portfolioId)!;
    }
    return book;
  }

  /** Rolls the day-start equity when `time` is in a later UTC day than the last change. */
  #roll(book: Book, time: number): void {
    const day = Math.floor(time / DAY_MS);
    if (!(day <= book.day)) {
      book.day = day;
      book.dayStartEquity = book.ledger.equity();
    }
  }

  applyFill(fill: OrderFilledData): void {
    const book = this.#book(fill.portfolioId);
    this.#roll(book, fill.fill.time);
    const { base } = symbolAssets(fill.symbol);
    const { price, fee } = fill.fill;
    let quantity = fill.fill.quantity;
    let feeQuote = fee;
    if (fee > 0 && fill.fill.feeAsset === base) {
      feeQuote = fee * price;
      // A base-asset fee on a buy is taken from what was bought: booking quantity − fee at the
      // price with the fee's quote value as fee moves cash by exactly price × quantity executed.
      if (fill.side === 'buy') quantity -= fee;
    }
    const ledger = book.ledger;
    const position = ledger.position(fill.symbol);
    this.#hold(book, fill.symbol);
    const closedBefore = ledger.tradeCount;
    const held = position.qty;
    ledger.fill(
      position,
      fill.side,
      quantity,
      price,
      feeQuote,
      fill.fill.time,
      fill.clientOrderId,
      book.fills,
    );
    book.fills++;
    book.fees.set(fill.symbol, (book.fees.get(fill.symbol) ?? 0) + feeQuote);
    book.openFees.set(
      fill.symbol,
      openFeesAfter(book.openFees.get(fill.symbol) ?? 0, held, position.qty, feeQuote),
    );
    // The core keeps closed trades in a list; their realized P&L is summed here and the list
    // emptied so a long-lived portfolio does not grow it.
    if (ledger.tradeCount > closedBefore) {
      for (const trade of ledger.trades) {
        book.closedRealized.set(
          trade.symbol,
          (book.closedRealized.get(trade.symbol) ?? 0) + trade.pnl + trade.fees,
        );
      }
      ledger.trades.length = 0;
    }
  }

  /**
   * Moves the books' holding of `asset` by `delta`: the cash when `asset` is `cashAsset`, else the
   * position of the symbol with that base asset. What a reconciliation does with a balance changed
   * at the venue from outside (a deposit, a withdrawal): no trade, no fee, no P&L.
   */
  adjustHolding(portfolioId: string, asset: string, cashAsset: string, delta: number): void {
    const book = this.#book(portfolioId);
    if (asset === cashAsset) {
      book.ledger.cash += delta;
      return;
    }
    const position = book.ledger.list.find((p) => symbolAssets(p.symbol).base === asset);
    if (position !== undefined) position.qty += delta;
  }

  /**
   * Marks `symbol` at `price` in every book holding it, after rolling the day of every book whose
   * day ended (as a walk over all books rolling each one did: at the first mark of a new UTC day,
   * and for a book opened since, at the next mark).
   */
  mark(symbol: string, price: number, time: number): void {
    const day = Math.floor(time / DAY_MS);
    if (day > this.#markDay) {
      this.#markDay = day;
      this.#unrolled.clear();
      for (const book of this.#books.values()) this.#roll(book, time);
    } else if (this.#unrolled.size > 0) {
      for (const book of this.#unrolled) this.#roll(book, time);
      this.#unrolled.clear();
    }
    for (const book of this.#holders.get(symbol) ?? []) book.ledger.positions.get(symbol)!.mark = price;
  }

  cash(portfolioId: string): number {
    return this.#books.get(portfolioId)?.ledger.cash ?? 0;
  }

  position(portfolioId: string, symbol: string): PortfolioPosition | undefined {
    const book = this.#books.get(portfolioId);
    const p = book?.ledger.positions.get(symbol);
    if (book === undefined || p === undefined) return undefined;
    const mark = p.mark === p.mark ? p.mark : p.avgPrice;
    return {
      symbol,
      quantity: p.qty,
      averagePrice: p.qty === 0 ? 0 : p.avgPrice,
      markPrice: mark,
      realizedPnl: (book.closedRealized.get(symbol) ?? 0) + (p.qty === 0 ? 0 : p.realized),
      unrealizedPnl: p.qty === 0 ? 0 : (mark - p.avgPrice) * p.qty,
      fees: book.fees.get(symbol) ?? 0,
      openFees: p.qty === 0 ? 0 : (book.openFees.get(symbol) ?? 0),
    };
  }

  /** Every symbol the portfolio has traded or holds. */
  positions(portfolioId: string): PortfolioPosition[] {
    const book = this.#books.get(portfolioId);
    if (book === undefined) return [];
    return book.ledger.list.map((p) => this.position(portfolioId, p.symbol)!);
  }

  equity(portfolioId: string): number {
    return this.#books.get(portfolioId)?.ledger.equity() ?? 0;
  }

  dayStartEquity(portfolioId: string): number {
    return this.#books.get(portfolioId)?.dayStartEquity ?? 0;
  }

  /** The day bookkeeping, to store next to the figures and re-open with. */
  dayState(portfolioId: string): { day: number; dayStartEquity: number; fills: number } | undefined {
    const book = this.#books.get(portfolioId);
    return book && { day: book.day, dayStartEquity: book.dayStartEquity, fills: book.fills };
  }
}
