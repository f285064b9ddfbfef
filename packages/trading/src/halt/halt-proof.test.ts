import { describe, expect, it } from 'vitest';
import type { Order } from '../broker/order.ts';
import { restingOrder } from '../testing/orders.test-support.ts';
import { buildHaltProof, haltCloseClientOrderId, type HaltRecord, isHaltClose } from './halt-proof.ts';

const AT = Date.UTC(2026, 10, 27, 12);
const order = (clientOrderId: string, o: Partial<Order> = {}): Order =>
  restingOrder(clientOrderId, { quantity: 1, createdAt: AT - 60_000, updatedAt: AT - 60_000, ...o });
const record = (r: Partial<HaltRecord> = {}): HaltRecord => ({
  haltId: '019abcde-0000-7000-8000-000000000001',
  portfolioId: 'p1',
  scope: 'portfolio',
  actor: 'user',
  by: 'u1',
  reason: 'stop',
  engagedAt: AT,
  flatten: false,
  closes: [],
  ...r,
});
const fill = (time: number, quantity = 1, price = 100) => ({
  tradeId: `t${time}`,
  price,
  quantity,
  fee: 0,
  feeAsset: 'USDT',
  time,
});

describe('halt proof - built from the journal', () => {
  it('holds when every working order was cancelled by the venue and nothing was placed after', () => {
    // Given two orders working at the switch, both cancelled by the venue after it, one refused
    // after it, and history settled before it
    const orders = [
      order('a', { status: 'cancelled', updatedAt: AT + 5 }),
      order('b', { status: 'cancelled', updatedAt: AT + 7, side: 'sell' }),
      order('late', {
        status: 'rejected',
        rejectReason: 'kill_switch',
        createdAt: AT + 10,
        updatedAt: AT + 10,
      }),
      order('old', { status: 'filled', updatedAt: AT - 1_000, fills: [fill(AT - 1_000)] }),
    ];
    // When the proof is built
    const proof = buildHaltProof(record(), orders, AT + 100);
    // Then it holds, with each cancel's time from the venue's snapshot
    expect(proof.halted).toBe(true);
    expect(proof.problems).toEqual([]);
    expect(proof.ordersAfter).toEqual([]);
    expect(proof.refusedAfter).toBe(1);
    expect(proof.cancels.map((c) => [c.clientOrderId, c.confirmed, c.cancelledAt])).toEqual([
      ['a', true, AT + 5],
      ['b', true, AT + 7],
    ]);
  });

  it('fails and lists an order the venue took after the switch', () => {
    const orders = [order('sneak', { createdAt: AT + 1, updatedAt: AT + 1, status: 'new' })];
    const proof = buildHaltProof(record(), orders, AT + 100);
    expect(proof.halted).toBe(false);
    expect(proof.ordersAfter.map((o) => o.clientOrderId)).toEqual(['sneak']);
    expect(proof.problems[0]).toMatch(/sneak .* reached the venue after the switch/);
  });

  it('fails while a working order is not confirmed cancelled, and when one filled instead', () => {
    const orders = [
      order('open', { status: 'new' }),
      order('raced', { status: 'filled', filledQuantity: 1, updatedAt: AT + 3, fills: [fill(AT + 3)] }),
    ];
    const proof = buildHaltProof(record(), orders, AT + 100);
    expect(proof.halted).toBe(false);
    expect(proof.cancels.map((c) => [c.clientOrderId, c.confirmed, c.filledQuantity])).toEqual([
      ['open', false, 0],
      ['raced', false, 1],
    ]);
    expect(proof.problems).toHaveLength(2);
  });

  it('with flatten: flattening until every close filled, then flat with the time to flat', () => {
    const id = haltCloseClientOrderId(record().haltId, 0, 0);
    const closes = [{ symbol: 'BTC-USDT', side: 'sell' as const, quantity: 2, clientOrderId: id }];
    const r = record({ flatten: true, closes });
    const close = order(id, {
      side: 'sell',
      type: 'market',
      quantity: 2,
      createdAt: AT + 2,
      updatedAt: AT + 2,
    });
    // While the close rests, the proof does not hold (and the close is not an order "after")
    const resting = buildHaltProof(r, [close], AT + 10);
    expect(resting.halted).toBe(false);
    expect(resting.ordersAfter).toEqual([]);
    expect(resting.flat).toMatchObject({ done: false });
    // Once it filled, the portfolio is flat from its last fill
    const filled = {
      ...close,
      status: 'filled' as const,
      filledQuantity: 2,
      filledQuote: 200,
      fills: [fill(AT + 40, 1), fill(AT + 250, 1)],
      updatedAt: AT + 250,
    };
    const proof = buildHaltProof(r, [filled], AT + 300);
    expect(proof.halted).toBe(true);
    expect(proof.flat).toMatchObject({ done: true, flatAt: AT + 250, timeToFlatMs: 250 });
    expect(proof.flat!.closes[0]).toMatchObject({ status: 'filled', averagePrice: 100, filledAt: AT + 250 });
  });

  it('with flatten and nothing open: flat at the switch', () => {
    const proof = buildHaltProof(record({ flatten: true }), [], AT + 1);
    expect(proof.flat).toEqual({ done: true, flatAt: AT, timeToFlatMs: 0, closes: [], dust: [] });
    expect(proof.halted).toBe(true);
  });

  it('names closing orders within the venue id limit', () => {
    const id = haltCloseClientOrderId('019abcde-0000-7000-8000-000000000001', 12, 3);
    expect(id.length).toBeLessThanOrEqual(36);
    expect(isHaltClose(id)).toBe(true);
    expect(isHaltClose('s:abc')).toBe(false);
  });
});
