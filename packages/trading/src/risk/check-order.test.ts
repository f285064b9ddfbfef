import { describe, expect, it } from 'vitest';
import { checkOrder, type RiskOrder, type RiskSnapshot } from './check-order.ts';
import { engageKillSwitch, KILL_SWITCH_OFF } from './kill-switch.ts';
import { RiskLimitsSchema } from './risk-limits.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const flat: RiskSnapshot = {
  positionQuantity: 0,
  markPrice: 100,
  dayStartEquity: 10_000,
  equity: 10_000,
  recentOrderTimes: [],
};
const buy = (quantity: number, extra: Partial<RiskOrder> = {}): RiskOrder => ({
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  quantity,
  ...extra,
});
const sell = (quantity: number): RiskOrder => ({
  symbol: 'BTC-USDT',
  side: 'sell',
  type: 'market',
  quantity,
});

describe('risk - max position value', () => {
  const limits = RiskLimitsSchema.parse({ maxPositionValue: 1_000 });

  it('refuses a buy that would take the position past the limit, and names the limit', () => {
    // Given a flat portfolio, a 1,000 limit and a mark of 100
    // When it buys 11 units (1,100)
    const decision = checkOrder(buy(11), limits, flat, KILL_SWITCH_OFF, NOW);
    // Then the order is refused by max_position_value
    expect(decision).toMatchObject({ allowed: false, reason: 'risk_limit', limit: 'max_position_value' });
  });

  it('allows a buy up to the limit', () => {
    // Given the same portfolio, When it buys 10 units (exactly 1,000), Then it passes
    expect(checkOrder(buy(10), limits, flat, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
  });

  it('values a resting buy limit at the higher of its price and the mark', () => {
    // Given a mark of 100, When a limit buy of 9 is priced at 120 (1,080), Then it is refused
    expect(
      checkOrder(buy(9, { type: 'limit', price: 120 }), limits, flat, KILL_SWITCH_OFF, NOW).allowed,
    ).toBe(false);
    // When priced at 90, it is valued at the mark (900), Then it passes
    expect(checkOrder(buy(9, { type: 'limit', price: 90 }), limits, flat, KILL_SWITCH_OFF, NOW).allowed).toBe(
      true,
    );
  });

  it('lets an over-limit position be reduced', () => {
    // Given a position of 20 units (2,000) above the limit
    const big = { ...flat, positionQuantity: 20 };
    // When it sells 5, Then it passes; When it buys 1 more, Then it is refused
    expect(checkOrder(sell(5), limits, big, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
    expect(checkOrder(buy(1), limits, big, KILL_SWITCH_OFF, NOW).allowed).toBe(false);
  });

  it('treats a sell past the position (a flip to short) as new exposure', () => {
    // Given 5 units held, When it sells 25 (short 20 = 2,000), Then it is refused
    const decision = checkOrder(sell(25), limits, { ...flat, positionQuantity: 5 }, KILL_SWITCH_OFF, NOW);
    expect(decision).toMatchObject({ allowed: false, limit: 'max_position_value' });
  });
});

describe('risk - max order notional', () => {
  const limits = RiskLimitsSchema.parse({ maxOrderNotional: 500 });

  it('refuses an order worth more than the limit, and names the limit', () => {
    // Given a mark of 100 and a 500 limit, When it buys 6 units (600), Then it is refused
    expect(checkOrder(buy(6), limits, flat, KILL_SWITCH_OFF, NOW)).toMatchObject({
      allowed: false,
      reason: 'risk_limit',
      limit: 'max_order_notional',
    });
    // When it buys 5 (500), Then it passes
    expect(checkOrder(buy(5), limits, flat, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
  });

  it('lets a large order that only reduces a position through', () => {
    // Given 20 units held, When it sells 10 (1,000), Then it passes: a limit never traps a position
    expect(checkOrder(sell(10), limits, { ...flat, positionQuantity: 20 }, KILL_SWITCH_OFF, NOW)).toEqual({
      allowed: true,
    });
  });
});

describe('risk - max daily loss', () => {
  const limits = RiskLimitsSchema.parse({ maxDailyLoss: 500 });

  it('stops new exposure once the day loss reaches the limit, but lets positions close', () => {
    // Given a portfolio that started the day at 10,000 and is now at 9,500 with 3 units held
    const down = { ...flat, equity: 9_500, positionQuantity: 3 };
    // When it buys, Then the order is refused by max_daily_loss
    expect(checkOrder(buy(1), limits, down, KILL_SWITCH_OFF, NOW)).toMatchObject({
      allowed: false,
      limit: 'max_daily_loss',
    });
    // When it sells what it holds, Then it passes
    expect(checkOrder(sell(3), limits, down, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
  });

  it('allows trading while the loss is under the limit', () => {
    // Given a loss of 499.99, When it buys, Then it passes
    expect(checkOrder(buy(1), limits, { ...flat, equity: 9_500.01 }, KILL_SWITCH_OFF, NOW)).toEqual({
      allowed: true,
    });
  });
});

describe('risk - max orders per minute', () => {
  const limits = RiskLimitsSchema.parse({ maxOrdersPerMinute: 3 });

  it('refuses the order past the limit within a sliding minute, and allows it once the window moves', () => {
    // Given three orders 50, 30 and 10 seconds ago
    const busy = { ...flat, recentOrderTimes: [NOW - 50_000, NOW - 30_000, NOW - 10_000] };
    // When a fourth comes now, Then it is refused — even a reducing one
    expect(checkOrder(sell(1), limits, { ...busy, positionQuantity: 1 }, KILL_SWITCH_OFF, NOW)).toMatchObject(
      {
        allowed: false,
        limit: 'max_orders_per_minute',
      },
    );
    // When it comes 10.001 s later (the first order has left the window), Then it passes
    expect(checkOrder(buy(1), limits, busy, KILL_SWITCH_OFF, NOW + 10_001)).toEqual({ allowed: true });
  });

  it('has a default of 120 and turns off at 0', () => {
    expect(RiskLimitsSchema.parse({}).maxOrdersPerMinute).toBe(120);
    const many = { ...flat, recentOrderTimes: Array.from({ length: 1_000 }, () => NOW - 1) };
    expect(
      checkOrder(buy(1), RiskLimitsSchema.parse({ maxOrdersPerMinute: 0 }), many, KILL_SWITCH_OFF, NOW),
    ).toEqual({
      allowed: true,
    });
  });
});

describe('risk - kill switch', () => {
  it('rejects every new order while engaged, reducing ones included', () => {
    // Given no limits and a kill switch engaged by the owner
    const engaged = engageKillSwitch(KILL_SWITCH_OFF, 'user', { by: 'u1', at: NOW, reason: 'panic' });
    // When the portfolio sells what it holds, Then it is refused with kill_switch
    const decision = checkOrder(
      sell(1),
      RiskLimitsSchema.parse({}),
      { ...flat, positionQuantity: 1 },
      engaged,
      NOW,
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'kill_switch' });
  });

  it("lets the switch's own flatten through: a halt's market order that only closes the position", () => {
    const engaged = engageKillSwitch(KILL_SWITCH_OFF, 'user', { by: 'u1', at: NOW, reason: 'panic' });
    const limits = RiskLimitsSchema.parse({ maxOrdersPerMinute: 1 });
    const long = { ...flat, positionQuantity: 2, recentOrderTimes: [NOW - 1] };
    const close = { ...sell(2), clientOrderId: 'halt-0123456789abcdef-0-0' };
    // Given a long of 2 under an engaged switch (and the order rate used up), When the halt closes
    // it, Then it passes
    expect(checkOrder(close, limits, long, engaged, NOW)).toEqual({ allowed: true });
    // But a halt-named order that grows or flips the position, or a limit one, is refused
    expect(checkOrder({ ...close, quantity: 3 }, limits, long, engaged, NOW)).toMatchObject({
      allowed: false,
    });
    expect(checkOrder({ ...close, side: 'buy' }, limits, long, engaged, NOW)).toMatchObject({
      allowed: false,
    });
    expect(checkOrder({ ...close, type: 'limit', price: 90 }, limits, long, engaged, NOW)).toMatchObject({
      allowed: false,
    });
    // And any other reducing order is still refused
    expect(checkOrder(sell(2), limits, long, engaged, NOW)).toMatchObject({ reason: 'kill_switch' });
  });
});

describe('risk - the defaults a new portfolio starts with', () => {
  const defaults = RiskLimitsSchema.parse({});

  it('are on: a position up to 1.25× the equity, a tenth of it lost in a day, 120 orders a minute', () => {
    expect(defaults).toMatchObject({
      maxPositionPercent: 125,
      maxDailyLossPercent: 10,
      maxOrdersPerMinute: 120,
    });
  });

  it('let a buy of the whole equity through with room for the price to move, and refuse more', () => {
    // Given 10,000 of equity at a mark of 100, When it buys 100 units (10,000), Then it passes
    expect(checkOrder(buy(100), defaults, flat, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
    // When the mark rose 20% since the order was sized at 100, Then it still passes
    expect(checkOrder(buy(100), defaults, { ...flat, markPrice: 120 }, KILL_SWITCH_OFF, NOW)).toEqual({
      allowed: true,
    });
    // When it buys 126 units (126% of equity, borrowed money), Then max_position_percent refuses it
    expect(checkOrder(buy(126), defaults, flat, KILL_SWITCH_OFF, NOW)).toMatchObject({
      allowed: false,
      limit: 'max_position_percent',
    });
  });

  it('scale with the portfolio: the same share of a million passes', () => {
    const rich = { ...flat, dayStartEquity: 1_000_000, equity: 1_000_000 };
    expect(checkOrder(buy(10_000), defaults, rich, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
  });

  it('stop new exposure after a tenth of the day-start equity is lost, and let a position be reduced', () => {
    // Given a portfolio down 1,000 of 10,000 today holding 5 units
    const down = { ...flat, equity: 9_000, positionQuantity: 5 };
    // When it buys, Then max_daily_loss_percent refuses it; When it sells, Then it passes
    expect(checkOrder(buy(1), defaults, down, KILL_SWITCH_OFF, NOW)).toMatchObject({
      allowed: false,
      limit: 'max_daily_loss_percent',
    });
    expect(checkOrder(sell(1), defaults, down, KILL_SWITCH_OFF, NOW)).toEqual({ allowed: true });
    // And down 999 it still buys
    expect(checkOrder(buy(1), defaults, { ...down, equity: 9_001 }, KILL_SWITCH_OFF, NOW)).toEqual({
      allowed: true,
    });
  });

  it('are turned off by 0', () => {
    const off = RiskLimitsSchema.parse({ maxPositionPercent: 0, maxDailyLossPercent: 0 });
    expect(checkOrder(buy(1_000), off, { ...flat, equity: 5_000 }, KILL_SWITCH_OFF, NOW)).toEqual({
      allowed: true,
    });
  });
});
