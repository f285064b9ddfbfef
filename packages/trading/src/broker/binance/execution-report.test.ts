import { describe, expect, it } from 'vitest';
import type { Order } from '../order.ts';
import { applyExecutionReport, executionReportSchema, type ExecutionReport } from './execution-report.ts';

const P = 'portfolio-1';
/** A report of order 7 (`c1`, limit buy of 1 at 95), with `fields` over the resting NEW one. */
function report(fields: Record<string, unknown> = {}): ExecutionReport {
  return executionReportSchema.parse({
    e: 'executionReport',
    E: 2_000,
    s: 'BTCUSDT',
    c: 'c1',
    C: '',
    S: 'BUY',
    o: 'LIMIT',
    f: 'GTC',
    q: '1.00000000',
    p: '95.00000000',
    P: '0.00000000',
    x: 'NEW',
    X: 'NEW',
    i: 7,
    l: '0.00000000',
    z: '0.00000000',
    L: '0.00000000',
    n: '0',
    N: null,
    T: 1_000,
    t: -1,
    O: 1_000,
    Z: '0.00000000',
    ...fields,
  });
}
const trade = (id: number, qty: number, total: number, status = 'PARTIALLY_FILLED') =>
  report({
    x: 'TRADE',
    X: status,
    t: id,
    l: qty.toFixed(8),
    z: total.toFixed(8),
    L: '95.00000000',
    Z: (95 * total).toFixed(8),
    n: (qty * 0.001).toFixed(8),
    N: 'BTC',
    T: 1_500 + id,
  });

describe('binance execution reports', () => {
  const placed = applyExecutionReport(undefined, report(), P, 'BTC-USDT')!;

  it('execution reports - a NEW report of an unknown order is the resting order', () => {
    expect(placed).toMatchObject({
      clientOrderId: 'c1',
      venueOrderId: '7',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: 95,
      quantity: 1,
      status: 'new',
      filledQuantity: 0,
      fills: [],
    });
  });

  it('execution reports - each trade appends its fill; the same trade twice changes nothing', () => {
    const half = applyExecutionReport(placed, trade(11, 0.5, 0.5), P, 'BTC-USDT')!;
    expect(half).toMatchObject({ status: 'partially_filled', filledQuantity: 0.5 });
    expect(half.fills).toEqual([
      { tradeId: '11', price: 95, quantity: 0.5, fee: 0.0005, feeAsset: 'BTC', time: 1_511 },
    ]);
    expect(applyExecutionReport(half, trade(11, 0.5, 0.5), P, 'BTC-USDT')).toBe(half);
    const full = applyExecutionReport(half, trade(12, 0.5, 1, 'FILLED'), P, 'BTC-USDT')!;
    expect(full).toMatchObject({ status: 'filled', filledQuantity: 1, createdAt: placed.createdAt });
    expect(full.fills.map((f) => f.tradeId)).toEqual(['11', '12']);
  });

  it('execution reports - a report that does not follow (one was missed) asks for the whole order', () => {
    expect(applyExecutionReport(placed, trade(12, 0.5, 1, 'FILLED'), P, 'BTC-USDT')).toBeUndefined();
    expect(applyExecutionReport(undefined, trade(12, 0.5, 1, 'FILLED'), P, 'BTC-USDT')).toBeUndefined();
  });

  it('execution reports - an older report than the answer to placing says nothing new', () => {
    const filled: Order = {
      ...placed,
      status: 'filled',
      filledQuantity: 1,
      filledQuote: 95,
      fills: [{ tradeId: '11', price: 95, quantity: 1, fee: 0.001, feeAsset: 'BTC', time: 1_511 }],
    };
    expect(applyExecutionReport(filled, report(), P, 'BTC-USDT')).toBe(filled);
  });

  it("execution reports - a cancel's report names the order in C and ends it", () => {
    const cancelled = applyExecutionReport(
      placed,
      report({ x: 'CANCELED', X: 'CANCELED', c: 'cancel7', C: 'c1' }),
      P,
      'BTC-USDT',
    )!;
    expect(cancelled).toMatchObject({ clientOrderId: 'c1', status: 'cancelled' });
  });
});
