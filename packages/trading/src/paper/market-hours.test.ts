import { exchangeCalendar } from '@tickline/market';
import { describe, expect, it } from 'vitest';
import { PlaceOrderRequestSchema, type PlaceOrderInput, type PlaceOrderRequest } from '../broker/order.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { coreFillModel } from './core-fill-model.ts';
import type { ClosedMarketPolicy } from './market-hours.ts';
import { createPaperBroker } from './paper-broker.ts';

const US = exchangeCalendar('US');
const thanksgiving = US.nextOpen(Date.UTC(2026, 10, 25, 22)); // Wed evening → Fri 27 Nov, 09:30 ET
const WED_EVENING = Date.UTC(2026, 10, 25, 22);
const KS_SESSION = exchangeCalendar('KS').sessionOn('2026-11-20')!;

let n = 0;
/** A request for a share: the schema is parsed with a pair, then given the share's symbol. */
function share(symbol: string, fields: Partial<PlaceOrderInput> = {}): PlaceOrderRequest {
  const request = PlaceOrderRequestSchema.parse({
    portfolioId: 'p1',
    clientOrderId: `c${++n}`,
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'market',
    quantity: 1,
    origin: { kind: 'manual', userId: 'u1' },
    ...fields,
  });
  return { ...request, symbol };
}

function setup(clock: { now: number }, closedMarket?: ClosedMarketPolicy) {
  const ledger = new CorePortfolioLedger();
  ledger.open('p1', 1_000_000_000, []);
  return createPaperBroker({
    fillModel: coreFillModel({ makerFee: 0, takerFee: 0, slippage: { kind: 'bps', bps: 0 } }),
    ledger,
    symbols: new Set(['AAPL.US', '005930.KS', 'BTC-USDT']),
    lastPrice: (symbol) => (symbol === '005930.KS' ? 55_300 : 200),
    now: () => clock.now,
    ...(closedMarket ? { closedMarket } : {}),
  });
}

describe('paper venue and exchange hours', () => {
  it('refuses a share order while its exchange is closed, naming the next open; crypto trades on', async () => {
    const broker = setup({ now: WED_EVENING });
    const refused = await broker.place(share('AAPL.US'));
    expect(refused).toMatchObject({ status: 'rejected', rejectReason: 'market_closed' });
    expect(refused.detail).toContain(new Date(thanksgiving.openMs).toISOString());
    expect(await broker.place(share('BTC-USDT'))).toMatchObject({ status: 'filled' });
  });

  it('queued: a market order placed on a holiday eve fills at the first price of the next session', async () => {
    const clock = { now: WED_EVENING };
    const broker = setup(clock, 'queue');
    const order = await broker.place(share('AAPL.US', { quantity: 3 }));
    expect(order).toMatchObject({ status: 'new', filledQuantity: 0 });
    // A pre-market print on Friday does not fill it; the first print of the session does.
    expect(await broker.onPrice('AAPL.US', 201, thanksgiving.openMs - 60_000)).toEqual([]);
    const [filled] = await broker.onPrice('AAPL.US', 202, thanksgiving.openMs);
    expect(filled).toMatchObject({ status: 'filled', filledQuantity: 3, filledQuote: 606 });
    const balances = await broker.balances('p1');
    expect(balances).toContainEqual({ asset: 'AAPL.US', free: 3, locked: 0 });
    expect(balances).toContainEqual(expect.objectContaining({ asset: 'USD' }));
  });

  it('in session: whole shares and the exchange tick are required', async () => {
    const broker = setup({ now: KS_SESSION.openMs + 3_600_000 });
    expect(await broker.place(share('005930.KS', { quantity: 1.5 }))).toMatchObject({
      status: 'rejected',
      rejectReason: 'invalid_order',
      detail: expect.stringContaining('whole shares'),
    });
    expect(
      await broker.place(share('005930.KS', { type: 'limit', price: 55_350, quantity: 2 })),
    ).toMatchObject({
      status: 'rejected',
      rejectReason: 'invalid_order',
      detail: expect.stringContaining('tick'),
    });
    expect(
      await broker.place(share('005930.KS', { type: 'limit', price: 55_300, quantity: 2 })),
    ).toMatchObject({
      status: 'new',
    });
    expect(await broker.place(share('005930.KS', { quantity: 2 }))).toMatchObject({ status: 'filled' });
  });

  it('a year with no calendar is closed: the order is refused with the calendar code', async () => {
    const broker = setup({ now: Date.UTC(2028, 0, 4, 15) });
    const refused = await broker.place(share('AAPL.US'));
    expect(refused).toMatchObject({ status: 'rejected', rejectReason: 'market_closed' });
    expect(refused.detail).toMatch(/no US exchange calendar for 2028/);
  });
});
