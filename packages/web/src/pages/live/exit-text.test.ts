import type { Order } from '@tickline/client';
import { describe, expect, it } from 'vitest';
import { exitText } from './exit-text.ts';

const order = (over: Partial<Order>) =>
  ({
    symbol: 'BTC-USDT',
    side: 'sell',
    status: 'filled',
    filledQuantity: 2,
    filledQuote: 200.5,
    ...over,
  }) as Order;

describe('force exit wording', () => {
  it('says what was sold at what average price, or that nothing was held', () => {
    expect(exitText([order({})])).toMatch(/^Sold 2 BTC-USDT at 100\.25/);
    expect(exitText([])).toBe('No position to close.');
  });

  it('an entry the exit cancelled says so, before the sale', () => {
    const entry = order({
      side: 'buy',
      status: 'cancelled',
      quantity: 0.5,
      filledQuantity: 0,
      filledQuote: 0,
    });
    expect(exitText([entry])).toBe("Cancelled the run's buy of 0.5 BTC-USDT before it filled.");
    expect(exitText([entry, order({})])).toMatch(/^Cancelled the run's buy .+ Sold 2 BTC-USDT at 100\.25/);
  });

  it('a working order fills at the next price; a refused one says why', () => {
    expect(exitText([order({ status: 'new', filledQuantity: 0, filledQuote: 0 })])).toBe(
      'BTC-USDT: market order placed, it fills at the next price.',
    );
    expect(exitText([order({ status: 'rejected', rejectReason: 'kill_switch', detail: 'engaged' })])).toBe(
      'BTC-USDT: refused (kill_switch): engaged',
    );
  });
});
