import { describe, expect, it } from 'vitest';
import type { Order } from '../broker/order.ts';
import {
  engageKillSwitch,
  isKillSwitchEngaged,
  KILL_SWITCH_OFF,
  ordersToCancel,
  releaseKillSwitch,
} from './kill-switch.ts';

const at = Date.UTC(2026, 10, 22);
const order = (clientOrderId: string, status: Order['status']): Order => ({
  portfolioId: 'p1',
  clientOrderId,
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'limit',
  quantity: 1,
  price: 90,
  timeInForce: 'gtc',
  status,
  filledQuantity: status === 'partially_filled' ? 0.5 : 0,
  filledQuote: status === 'partially_filled' ? 45 : 0,
  fills: [],
  createdAt: at,
  updatedAt: at,
});

describe('kill switch - engagement', () => {
  it('is off by default and lists nothing to cancel', () => {
    expect(isKillSwitchEngaged(KILL_SWITCH_OFF)).toBe(false);
    expect(ordersToCancel(KILL_SWITCH_OFF, [order('a', 'new')])).toEqual([]);
  });

  it('lists the working orders to cancel once the owner engages it', () => {
    // Given open, partly filled, filled and cancelled orders
    const orders = [
      order('a', 'new'),
      order('b', 'partially_filled'),
      order('c', 'filled'),
      order('d', 'cancelled'),
    ];
    // When the owner engages the switch
    const state = engageKillSwitch(KILL_SWITCH_OFF, 'user', { by: 'u1', at, reason: 'manual stop' });
    // Then it is engaged and the two working orders are to be cancelled
    expect(isKillSwitchEngaged(state)).toBe(true);
    expect(ordersToCancel(state, orders).map((o) => o.clientOrderId)).toEqual(['a', 'b']);
  });

  it("keeps an admin's engagement when the owner releases", () => {
    // Given both the admin and the owner engaged the switch
    let state = engageKillSwitch(KILL_SWITCH_OFF, 'admin', { by: 'admin1', at, reason: 'abuse' });
    state = engageKillSwitch(state, 'user', { by: 'u1', at, reason: 'me too' });
    // When the owner releases, Then the admin's hand still holds it
    state = releaseKillSwitch(state, 'user');
    expect(isKillSwitchEngaged(state)).toBe(true);
    expect(state.admin?.by).toBe('admin1');
    // When the admin releases too, Then it is off
    expect(isKillSwitchEngaged(releaseKillSwitch(state, 'admin'))).toBe(false);
  });

  it('keeps the first engagement when engaged twice, and ignores a release of nothing', () => {
    const first = engageKillSwitch(KILL_SWITCH_OFF, 'user', { by: 'u1', at, reason: 'first' });
    expect(engageKillSwitch(first, 'user', { by: 'u1', at: at + 1, reason: 'second' }).user?.reason).toBe(
      'first',
    );
    expect(releaseKillSwitch(first, 'admin')).toBe(first);
  });
});
