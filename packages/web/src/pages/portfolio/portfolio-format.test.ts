import { TicklineApiError } from '@tickline/client';
import { describe, expect, it } from 'vitest';
import { orderErrorText, orderRejectText, realizedAfterFees, riskLimitText } from './portfolio-format.ts';

describe('web - an order refused by a risk limit names the limit', () => {
  it('web - the order check detail reads with the limit named as on the Risk controls card', () => {
    expect(
      riskLimitText('max_position_value: position in BTC-USDT would be worth 2982.63 (limit 1000)'),
    ).toBe('“Max position value (USDT)”: position in BTC-USDT would be worth 2982.63 (limit 1000).');
    expect(
      riskLimitText('max_daily_loss_percent: lost 10.05% today (limit 10%); only reducing orders pass'),
    ).toBe('“Max daily loss (% of equity)”: lost 10.05% today (limit 10%); only reducing orders pass.');
    expect(riskLimitText('something else entirely')).toBeUndefined();
    expect(riskLimitText(undefined)).toBeUndefined();
  });

  it('web - an order row says which limit refused it, and falls back to the reason without a detail', () => {
    expect(
      orderRejectText({
        rejectReason: 'risk_limit',
        detail: 'max_orders_per_minute: 121 orders in the last minute (limit 120)',
      }),
    ).toBe('Refused by your risk limit “Max orders per minute”: 121 orders in the last minute (limit 120).');
    expect(orderRejectText({ rejectReason: 'risk_limit' })).toMatch(
      /^A risk limit of your portfolio refused it/,
    );
    expect(
      orderRejectText({ rejectReason: 'kill_switch', detail: 'the kill switch is engaged by the owner' }),
    ).toMatch(/^The kill switch is on/);
  });

  it('web - the order ticket shows the limit from the 422 answer, with the reason code', () => {
    const error = new TicklineApiError(
      'STRATEGY_BROKER_ORDER_REJECTED',
      'max_position_value: position in BTC-USDT would be worth 2982.63 (limit 1000)',
      { status: 422, details: { reason: 'risk_limit' } },
    );
    expect(orderErrorText(error)).toBe(
      'Rejected — Refused by your risk limit “Max position value (USDT)”: position in BTC-USDT would be worth 2982.63 (limit 1000). (risk_limit)',
    );
  });
});

describe('web - realized P&L of a position', () => {
  it('web - an open position’s buy fee is not shown as realized', () => {
    // A lone buy of 2 with a 0.2 fee: nothing realized.
    expect(realizedAfterFees({ realizedPnl: 0, fees: 0.2, openFees: 0.2 })).toBe(0);
    // Half sold for +10 with a 0.11 fee: half the buy fee and the sell fee are realized.
    expect(realizedAfterFees({ realizedPnl: 10, fees: 0.31, openFees: 0.1 })).toBeCloseTo(9.79, 12);
  });
});
