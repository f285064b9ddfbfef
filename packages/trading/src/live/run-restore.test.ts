import { describe, expect, it } from 'vitest';
import type { RecordedFill } from '@tickline/strategy';
import { forceExitPrefix } from '../broker/client-order-id.ts';
import type { Order } from '../broker/order.ts';
import type { LiveRun } from './live-run.ts';
import { bookedFills, keepFills } from './run-restore.ts';
import { P, settings, spec, SYMBOL } from './live-world.test-support.ts';

/** A filled order of the journal: `side` for `quantity` at 100 at `time`. */
function filled(
  clientOrderId: string,
  side: 'buy' | 'sell',
  quantity: number,
  time: number,
  manual = false,
): Order {
  return {
    portfolioId: P,
    clientOrderId,
    symbol: SYMBOL,
    side,
    type: 'market',
    quantity,
    timeInForce: 'gtc',
    status: 'filled',
    filledQuantity: quantity,
    filledQuote: quantity * 100,
    fills: [{ tradeId: clientOrderId, price: 100, quantity, fee: 0, feeAsset: 'USDT', time }],
    origin: manual
      ? { kind: 'manual', userId: 'u1' }
      : { kind: 'strategy', strategyId: 'r', version: 1, candleCloseTime: time },
    createdAt: time,
    updatedAt: time,
  };
}

describe('live runs - books past the fills kept in memory', () => {
  const run = spec('r', settings());
  const journal = {
    ofStrategy: async () => [filled('s1', 'buy', 2, 1_000), filled('s2', 'buy', 1, 2_000)],
    withIdPrefix: async (_: string, prefix: string) =>
      prefix === forceExitPrefix('r') ? [filled(`${prefix}a`, 'sell', 0.5, 3_000, true)] : [],
  };
  const last: RecordedFill = [SYMBOL, 'sell', 0.5, 100, 0, 3_000, 'force_exit'];

  it('a run whose record was cut reads every execution from the journal, its force exits among them', async () => {
    const cut = {
      spec: { ...run, ordersSince: 0 },
      status: {},
      fills: [last],
      fillsTruncated: true,
    } as unknown as LiveRun;
    const fills = await bookedFills(cut, journal);
    expect(fills.map((f) => [f[1], f[2], f[6]])).toEqual([
      ['buy', 2, 'restored'],
      ['buy', 1, 'restored'],
      ['sell', 0.5, 'force_exit'],
    ]);
    // Positions from all of them (the record alone nets to −0.5); the record stays whole below the cap.
    keepFills(cut, fills);
    expect(cut.status.positions).toEqual([{ symbol: SYMBOL, quantity: 2.5 }]);
    expect(cut.fillsTruncated).toBeUndefined();
  });

  it('a whole record is used as it is, without reading the journal', async () => {
    const whole = { spec: run, status: {}, fills: [last] } as unknown as LiveRun;
    expect(await bookedFills(whole, journal)).toBe(whole.fills);
  });
});
