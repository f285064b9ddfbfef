import { describe, expect, it } from 'vitest';
import type { OrderFilledData } from '../broker/events.ts';
import { CorePortfolioLedger } from './portfolio-ledger.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 12);

const buy = (
  portfolioId: string,
  symbol: string,
  quantity: number,
  price: number,
  time: number,
): OrderFilledData => ({
  portfolioId,
  clientOrderId: `${portfolioId}-${symbol}-${time}`,
  venue: 'paper',
  symbol,
  side: 'buy',
  type: 'market',
  quantity,
  timeInForce: 'gtc',
  fill: { tradeId: `t-${time}`, price, quantity, fee: 0, feeAsset: 'USDT', time },
  filledQuantity: quantity,
  remainingQuantity: 0,
  averagePrice: price,
  partial: false,
});

describe('portfolio ledger - marks', () => {
  it('a closed candle moves the equity of the books holding its symbol, and of no other', () => {
    const books = new CorePortfolioLedger();
    books.open('a', 1_000);
    books.open('b', 1_000);
    books.open('c', 1_000, [{ symbol: 'ETH-USDT', quantity: 2, averagePrice: 50 }]);
    books.applyFill(buy('a', 'BTC-USDT', 1, 100, T0));
    books.mark('BTC-USDT', 150, T0 + 60_000);
    books.mark('ETH-USDT', 40, T0 + 60_000);
    expect(books.equity('a')).toBe(900 + 150);
    expect(books.equity('b')).toBe(1_000);
    expect(books.equity('c')).toBe(1_000 + 2 * 40);
    // A position opened after the marks is marked by the next one.
    books.applyFill(buy('b', 'ETH-USDT', 1, 45, T0 + 90_000));
    books.mark('ETH-USDT', 60, T0 + 120_000);
    expect(books.equity('b')).toBe(955 + 60);
    expect(books.position('a', 'BTC-USDT')?.markPrice).toBe(150);
  });

  it("the first mark of a UTC day rolls every book's day-start equity, holder of the symbol or not", () => {
    const books = new CorePortfolioLedger();
    books.open('holder', 1_000);
    books.open('other', 1_000, [{ symbol: 'ETH-USDT', quantity: 1, averagePrice: 100 }]);
    books.applyFill(buy('holder', 'BTC-USDT', 1, 100, T0));
    books.mark('ETH-USDT', 120, T0 + 60_000);
    books.mark('BTC-USDT', 110, T0 + 60_000);
    // Next day: the day starts at the equity the books had before its first mark.
    books.mark('BTC-USDT', 90, T0 + DAY);
    expect(books.dayStartEquity('holder')).toBe(900 + 110);
    expect(books.dayStartEquity('other')).toBe(1_000 + 120);
    expect(books.equity('holder')).toBe(900 + 90);
    // A book opened later that day rolls at the next mark, whatever symbol it is.
    books.open('late', 500, [], { day: Math.floor(T0 / DAY) - 3, dayStartEquity: 700, fills: 0 });
    books.mark('ETH-USDT', 130, T0 + DAY + 60_000);
    expect(books.dayStartEquity('late')).toBe(500);
    expect(books.dayStartEquity('other')).toBe(1_000 + 120);
  });
});

describe('portfolio ledger - realized after fees', () => {
  const withFee = (fill: OrderFilledData, side: 'buy' | 'sell', fee: number): OrderFilledData => ({
    ...fill,
    side,
    fill: { ...fill.fill, fee },
  });
  /** What the dashboard shows as "Realized": realized P&L after the fees of what was closed. */
  const realizedNet = (p: { realizedPnl: number; fees: number; openFees: number }) =>
    p.realizedPnl - p.fees + p.openFees;

  it('an open position’s buy fee is not realized; a sale realizes its share', () => {
    const books = new CorePortfolioLedger();
    books.open('a', 1_000);
    books.applyFill(withFee(buy('a', 'BTC-USDT', 2, 100, T0), 'buy', 0.2));
    const open = books.position('a', 'BTC-USDT')!;
    expect(open.fees).toBeCloseTo(0.2, 12);
    expect(realizedNet(open)).toBeCloseTo(0, 12);
    // Half sold at 110 with a 0.11 fee: +10, less half the buy fee and the sell fee.
    books.applyFill(withFee(buy('a', 'BTC-USDT', 1, 110, T0 + 1), 'sell', 0.11));
    const half = books.position('a', 'BTC-USDT')!;
    expect(half.openFees).toBeCloseTo(0.1, 12);
    expect(realizedNet(half)).toBeCloseTo(10 - 0.1 - 0.11, 12);
    // A sale past flat opens a short with the share of its fee that opened it.
    books.applyFill(withFee(buy('a', 'BTC-USDT', 3, 120, T0 + 2), 'sell', 0.3));
    const short = books.position('a', 'BTC-USDT')!;
    expect(short.quantity).toBe(-2);
    expect(short.openFees).toBeCloseTo(0.2, 12);
    expect(realizedNet(short)).toBeCloseTo(10 - 0.21 + 20 - 0.1 - 0.1, 12);
  });
});
