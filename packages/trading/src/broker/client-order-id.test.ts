import { describe, expect, it } from 'vitest';
import { manualClientOrderId, strategyClientOrderId } from './client-order-id.ts';
import { PlaceOrderRequestSchema } from './order.ts';

const key = {
  strategyId: '01937b2e-0000-7000-8000-000000000001',
  version: 4,
  candleCloseTime: 1_763_800_000_000,
};

describe('client order ids - idempotency keys', () => {
  it('are stable per decision and differ per strategy, version, candle and leg', () => {
    const id = strategyClientOrderId(key);
    expect(strategyClientOrderId({ ...key })).toBe(id);
    expect(strategyClientOrderId({ ...key, leg: 0 })).toBe(id);
    const others = [
      strategyClientOrderId({ ...key, version: 5 }),
      strategyClientOrderId({ ...key, candleCloseTime: key.candleCloseTime + 60_000 }),
      strategyClientOrderId({ ...key, leg: 1 }),
      strategyClientOrderId({ ...key, strategyId: key.strategyId.replace(/1$/, '2') }),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it("fit the venue's 36-character alphabet and the request schema", () => {
    for (const id of [strategyClientOrderId(key), manualClientOrderId('user-1', 'retry-key')]) {
      expect(id).toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
    }
    expect(manualClientOrderId('u', 'k')).toBe(manualClientOrderId('u', 'k'));
    expect(manualClientOrderId('u', 'k')).not.toBe(manualClientOrderId('v', 'k'));
  });

  it('the request schema refuses bad quantities and prices that do not fit the type', () => {
    const good = {
      portfolioId: 'p',
      clientOrderId: strategyClientOrderId(key),
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 1,
      origin: { kind: 'manual', userId: 'u' },
    };
    expect(PlaceOrderRequestSchema.parse(good).timeInForce).toBe('gtc');
    for (const bad of [
      { quantity: Number.NaN },
      { quantity: -1 },
      { quantity: 5e-324 },
      { quantity: Number.POSITIVE_INFINITY },
      { price: 10 },
      { type: 'limit' },
      { symbol: 'btcusdt' },
      { clientOrderId: 'x'.repeat(37) },
    ]) {
      expect(PlaceOrderRequestSchema.safeParse({ ...good, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
