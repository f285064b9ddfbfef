import { createEventSource, type EventEnvelope, ManualClock, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { Balance, Broker } from '../broker/broker.ts';
import { OrderDesk, type PortfolioRiskView } from '../broker/order-desk.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import type { Order } from '../broker/order.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { MAX_BALANCE_READS, type ReconcileVenue, Reconciler } from './reconciler.ts';
import type { ReconciliationReport } from './reconciliation-store.ts';
import { restingOrder } from '../testing/orders.test-support.ts';

const P = 'p1';

const resting = (clientOrderId: string, quantity: number): Order =>
  restingOrder(clientOrderId, { portfolioId: P, quantity });

/**
 * A venue in memory with one portfolio: its orders and balances, the books beside it, and a
 * desk that books each `order.filled` it emits, as the live host's does.
 */
function setup(cash = 10_000) {
  const clock = new ManualClock(1_000);
  const books = new CorePortfolioLedger();
  books.open(P, cash, []);
  const journal = new InMemoryOrderJournal();
  const venueOrders = new Map<string, Order>();
  const balances = new Map<string, number>([['USDT', cash]]);
  const hooks: {
    beforeBalances?: (read: number) => Promise<void> | void;
    /** Runs once the answer was taken, before it reaches the reconciler. */
    afterBalances?: (read: number) => Promise<void> | void;
  } = {};
  let reads = 0;
  const broker: Broker = {
    venue: 'binance-spot',
    place: () => Promise.reject(new Error('not in this test')),
    cancel: () => Promise.reject(new Error('not in this test')),
    order: async (ref) => venueOrders.get(ref.clientOrderId),
    openOrders: async () =>
      [...venueOrders.values()].filter((o) => o.status === 'new' || o.status === 'partially_filled'),
    balances: async (): Promise<Balance[]> => {
      reads++;
      await hooks.beforeBalances?.(reads);
      const answer = [...balances].map(([asset, free]) => ({ asset, free, locked: 0 }));
      await hooks.afterBalances?.(reads);
      return answer;
    },
  };
  const lifecycle: string[] = [];
  const desk = new OrderDesk({
    broker,
    journal,
    portfolios: {} as PortfolioRiskView,
    clock,
    emit: (event) => {
      lifecycle.push(`${event.type} ${event.data.clientOrderId}`);
      if (event.type === 'order.filled') books.applyFill(event.data);
    },
  });
  const published: EventEnvelope[] = [];
  const saved: ReconciliationReport[] = [];
  const reconciler = new Reconciler({
    journal,
    books,
    store: {
      save: async (report) => void saved.push(report),
      list: async () => saved,
    },
    publish: (event) => published.push(event),
    source: createEventSource({ source: 'strategy/reconciliation', clock }),
    clock,
    logger: silentLogger,
    cashAssetOf: async () => 'USDT',
  });
  /** The venue executes `quantity` of `clientOrderId` at 90 (no fee) and moves its balances. */
  const execute = (clientOrderId: string, quantity: number): Order => {
    const o = venueOrders.get(clientOrderId)!;
    const filledQuantity = o.filledQuantity + quantity;
    const next: Order = {
      ...o,
      status: filledQuantity >= o.quantity - 1e-12 ? 'filled' : 'partially_filled',
      filledQuantity,
      filledQuote: filledQuantity * 90,
      fills: [
        ...o.fills,
        { tradeId: `t${o.fills.length + 1}`, price: 90, quantity, fee: 0, feeAsset: 'USDT', time: 1_000 },
      ],
    };
    venueOrders.set(clientOrderId, next);
    balances.set('USDT', balances.get('USDT')! - quantity * 90);
    balances.set('BTC', (balances.get('BTC') ?? 0) + quantity);
    return next;
  };
  /** An order resting at the venue and in the books. */
  const rest = async (clientOrderId: string, quantity: number, journaled = true) => {
    const o = resting(clientOrderId, quantity);
    venueOrders.set(clientOrderId, o);
    if (journaled) await journal.put(o);
  };
  const corrections = () =>
    published
      .filter((e) => e.type === 'portfolio.balance.corrected')
      .map((e) => e.data as { asset: string; delta: number });
  const btc = () => books.position(P, 'BTC-USDT')?.quantity ?? 0;
  return {
    books,
    desk,
    reconciler,
    balances,
    hooks,
    lifecycle,
    execute,
    rest,
    corrections,
    btc,
    reads: () => reads,
    venue: (over: Partial<ReconcileVenue> = {}): ReconcileVenue => ({
      broker,
      desk,
      compareBalances: true,
      ...over,
    }),
  };
}

describe('reconcile - balances are compared once the books hold what the venue executed', () => {
  it('reconcile - a fill executed before the balances were read, its report queued, is no correction', async () => {
    const t = setup();
    await t.rest('o1', 0.1);
    // The venue fills the order just before it answers the balances; the stream's report of it is
    // queued behind the reconciliation (a reconnect's run holds the stream's queue).
    let report: Order | undefined;
    t.hooks.beforeBalances = (read) => {
      if (read === 1) report = t.execute('o1', 0.1);
    };
    const result = await t.reconciler.run(P, 'reconnect', t.venue());
    await t.desk.applyUpdate(report!);

    expect(t.corrections()).toEqual([]);
    expect(result).toMatchObject({ agreed: true });
    expect(result.differences.filter((d) => d.kind === 'balance')).toEqual([]);
    expect(t.lifecycle.filter((e) => e === 'order.filled o1')).toHaveLength(1);
    expect(t.books.cash(P)).toBeCloseTo(t.balances.get('USDT')!, 9);
    expect(t.btc()).toBeCloseTo(t.balances.get('BTC')!, 9);
    expect(t.reconciler.held(P)).toBeUndefined();
  });

  it('reconcile - a fill booked while the balances were checked (an answer lost) makes them read again', async () => {
    const t = setup();
    // Unknown to the books (its placing got no answer); the venue executes it before the read, and
    // the look-up of unknown outcomes finds it only on its second try.
    await t.rest('o2', 0.2, false);
    let found: Order | undefined;
    t.hooks.beforeBalances = (read) => {
      if (read === 1) found = t.execute('o2', 0.2);
    };
    let tries = 0;
    const settleUnknown = async () => {
      if (++tries === 2) await t.desk.applyUpdate(found!);
    };
    const result = await t.reconciler.run(P, 'reconnect', t.venue({ settleUnknown }));

    expect(t.corrections()).toEqual([]);
    expect(result.agreed).toBe(true);
    expect(t.books.cash(P)).toBeCloseTo(t.balances.get('USDT')!, 9);
    expect(t.btc()).toBeCloseTo(0.2, 9);
  });

  it('reconcile - a fill booked while the answer of the balances was on its way makes them read again', async () => {
    const t = setup();
    await t.rest('o4', 0.1);
    // The venue answers, then fills the order; its stream report is booked before the answer arrives.
    t.hooks.afterBalances = async (read) => {
      if (read === 1) await t.desk.applyUpdate(t.execute('o4', 0.1));
    };
    const result = await t.reconciler.run(P, 'reconnect', t.venue());

    expect(t.corrections()).toEqual([]);
    expect(result.agreed).toBe(true);
    expect(t.reads()).toBe(2);
    expect(t.books.cash(P)).toBeCloseTo(t.balances.get('USDT')!, 9);
    expect(t.btc()).toBeCloseTo(0.1, 9);
  });

  it('reconcile - a change from outside is corrected once, after two reads agree on it', async () => {
    const t = setup();
    t.balances.set('USDT', 10_250);
    const result = await t.reconciler.run(P, 'reconnect', t.venue());

    expect(t.corrections()).toEqual([{ ...t.corrections()[0], asset: 'USDT', delta: 250 }]);
    expect(result.differences).toEqual([
      { kind: 'balance', asset: 'USDT', books: 10_000, venue: 10_250, delta: 250 },
    ]);
    expect(t.reads()).toBe(2);
    expect(t.books.cash(P)).toBe(10_250);
  });

  it('reconcile - while fills keep being booked the balances are not corrected and the hold stays', async () => {
    const t = setup();
    await t.rest('o3', 1);
    // Every read finds one more partial fill, reported on the stream while the venue answers.
    t.hooks.beforeBalances = async () => {
      await t.desk.applyUpdate(t.execute('o3', 0.01));
    };
    const result = await t.reconciler.run(P, 'reconnect', t.venue());

    expect(result.agreed).toBe(false);
    expect(result.error).toMatch(/did not settle/);
    expect(t.reads()).toBe(MAX_BALANCE_READS);
    expect(t.corrections()).toEqual([]);
    expect(t.reconciler.held(P)).toMatchObject({ trigger: 'reconnect' });
    expect(t.books.cash(P)).toBeCloseTo(t.balances.get('USDT')!, 9);
  });
});
