/**
 * @module The order desk: the one way orders reach a broker. It checks the kill switch and the
 * risk limits (pure, `risk/`), claims the client order id in the journal (atomically, so of
 * several processes deciding the same candle only one places), places through the port, and
 * turns every answer into lifecycle events by diffing against the journal — so `order.placed`,
 * each `order.filled`, `order.cancelled` and `order.rejected` are emitted once, in order, whether
 * the answer came from placing, from a poll or from a retry. Strategy runs and manual orders from the API both go through it.
 */
import type { Clock, EventEnvelope, Registry } from '@tickline/kernel';
import { checkOrder, orderRateRefusal, type RiskSnapshot } from '../risk/check-order.ts';
import { type KillSwitchState, ordersToCancel } from '../risk/kill-switch.ts';
import { InMemoryOrderRateLimiter, type OrderRateLimiter } from '../risk/order-rate-limiter.ts';
import type { RiskLimits } from '../risk/risk-limits.ts';
import type { Broker, OrderRef } from './broker.ts';
import { createDeskMetrics, type DeskMetrics } from './desk-metrics.ts';
import { BrokerError } from './errors.ts';
import type { OrderJournal } from './order-journal.ts';
import {
  isFinalStatus,
  type Order,
  type PlaceOrderInput,
  type PlaceOrderRequest,
  PlaceOrderRequestSchema,
  rejectedOrder,
} from './order.ts';
import { type OrderLifecycleEvent, orderTransitions } from './order-transitions.ts';

/**
 * What the desk needs from the portfolio side (the portfolio ledger / projection implements it):
 * the position and equity figures of the risk check, the portfolio's limits and its kill switch.
 */
export interface PortfolioRiskView {
  riskSnapshot(portfolioId: string, symbol: string): Promise<Omit<RiskSnapshot, 'recentOrderTimes'>>;
  riskLimits(portfolioId: string): Promise<RiskLimits>;
  killSwitch(portfolioId: string): Promise<KillSwitchState>;
}

/** Options for {@link OrderDesk}. */
export interface OrderDeskOptions {
  broker: Broker;
  journal: OrderJournal;
  portfolios: PortfolioRiskView;
  clock: Clock;
  /**
   * Stamps a lifecycle event as the envelope the log gets (event source `broker/<venue>`, subject =
   * partition key = portfolio id). The journal stores the envelopes with the snapshot they
   * announce, in one write (its outbox), so a change it holds is never missing from the log.
   * @default none: the caller stamps the events in `emit` (a journal in memory)
   */
  envelope?: (event: OrderLifecycleEvent) => EventEnvelope;
  /**
   * Receives each lifecycle event in order, once the journal holds it, with its envelope when
   * `envelope` is set; the caller hands the envelope to the outbox (or stamps and publishes it).
   */
  emit: (event: OrderLifecycleEvent, envelope?: EventEnvelope) => void;
  /** Where `tickline_broker_*` metrics go; none when absent. */
  metrics?: Registry;
  /**
   * Counts orders per portfolio for `maxOrdersPerMinute`: shared through Redis where several
   * processes place orders. @default this process's own count
   */
  orderRate?: OrderRateLimiter;
}

/**
 * What strategy runs, the routes and the kill switch ask of a desk: {@link OrderDesk} itself, or a
 * router that hands each portfolio's orders to the desk of the venue it is bound to.
 */
export type OrderDeskPort = Pick<
  OrderDesk,
  'place' | 'cancel' | 'cancelAll' | 'applyUpdate' | 'sync' | 'placing' | 'resubmit' | 'settled'
>;

/** See the module comment. */
export class OrderDesk {
  readonly #o: OrderDeskOptions;
  readonly #orderRate: OrderRateLimiter;
  readonly #inFlight = new Map<string, Promise<Order>>();
  /** The last change applied to each order: the next one waits for it (see #applyCounted). */
  readonly #applying = new Map<string, Promise<unknown>>();
  readonly #metrics: DeskMetrics | undefined;

  constructor(options: OrderDeskOptions) {
    this.#o = options;
    this.#metrics = options.metrics ? createDeskMetrics(options.metrics) : undefined;
    this.#orderRate = options.orderRate ?? new InMemoryOrderRateLimiter();
  }

  /**
   * Places an order (already validated with `PlaceOrderRequestSchema`) unless the kill switch or a
   * risk limit refuses it; the same client order id twice yields the one order and no new events.
   * @throws BrokerError `STRATEGY_BROKER_OUTCOME_UNKNOWN` from the venue; place again with the same id.
   */
  place(input: PlaceOrderInput | PlaceOrderRequest): Promise<Order> {
    // Validated here too: a strategy's order reaches the desk without passing an HTTP schema, and
    // a non-finite quantity must change nothing (not even become an event, whose schema refuses it).
    const parsed = PlaceOrderRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return Promise.reject(
        new BrokerError(
          'STRATEGY_BROKER_REQUEST_INVALID',
          `invalid order: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          {
            details: { issues },
          },
        ),
      );
    }
    const request = parsed.data;
    const key = `${request.portfolioId}\u0000${request.clientOrderId}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const placing = this.#place(request).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, placing);
    return placing;
  }

  async #place(request: PlaceOrderRequest): Promise<Order> {
    const known = await this.#o.journal.get(request.portfolioId, request.clientOrderId);
    // A rejection left nothing at the venue, so the same id may be tried again; anything else is the order.
    if (known && known.status !== 'rejected') return known;
    const now = this.#o.clock.now();
    // Claimed atomically before anything reaches the venue or the log: two processes may decide
    // the same candle while a run changes hands, and a read-then-place would let both through.
    const claim = claimOrder(request, now);
    if (!(await this.#o.journal.claim(claim))) {
      return (await this.#o.journal.get(request.portfolioId, request.clientOrderId)) ?? claim;
    }
    return this.#submit(request, claim, known);
  }

  /**
   * The order `clientOrderId` names, when this desk placed it and it was not rejected: a request
   * for it again is answered with it and puts nothing new at the venue.
   */
  async known(portfolioId: string, clientOrderId: string): Promise<Order | undefined> {
    const order = await this.#o.journal.get(portfolioId, clientOrderId);
    return order && order.status !== 'rejected' ? order : undefined;
  }

  /** True while this desk is placing `clientOrderId` (its claim is not an orphan). */
  placing(portfolioId: string, clientOrderId: string): boolean {
    return this.#inFlight.has(`${portfolioId}\u0000${clientOrderId}`);
  }

  /**
   * Resolves once this desk is done placing `clientOrderId` (at once when it is not placing it). A
   * venue that pushes may report an order before the answer to placing it arrived; its update is
   * applied after the answer, so the two are diffed against each other and nothing is told twice.
   */
  async settled(portfolioId: string, clientOrderId: string): Promise<void> {
    await this.#inFlight.get(`${portfolioId}\u0000${clientOrderId}`)?.catch(() => undefined);
  }

  /**
   * Resolves once the placings and order changes this desk has in flight now are done, whatever
   * their outcome: a reconciliation reads the venue's balances only after the fills they book.
   */
  async idle(): Promise<void> {
    const running = [...this.#inFlight.values(), ...this.#applying.values()];
    await Promise.all(running.map((p) => p.catch(() => undefined)));
  }

  /**
   * Completes a claim whose placer is gone (it died between claiming the id and the venue's answer
   * reaching the journal): the caller has taken the claim over (see SqlOrderJournal.takeOver). A
   * venue that knows the id already (the answer was lost) gives its snapshot, which is applied;
   * otherwise the order goes through the risk check to the venue now, under the same id, exactly
   * as `place` would have sent it.
   * @throws BrokerError as `place`; the claim is then given back, to be completed later.
   */
  resubmit(claim: Order): Promise<Order> {
    const key = `${claim.portfolioId}\u0000${claim.clientOrderId}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const resending = this.#resubmit(claim).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, resending);
    return resending;
  }

  async #resubmit(claim: Order): Promise<Order> {
    const ref = { portfolioId: claim.portfolioId, symbol: claim.symbol, clientOrderId: claim.clientOrderId };
    const atVenue = await this.#o.broker.order(ref);
    // The claim placeholder was never announced: diff the venue's answer against nothing.
    if (atVenue !== undefined) return this.#apply(atVenue, { prior: undefined });
    if (claim.origin === undefined) return claim;
    const request: PlaceOrderRequest = {
      portfolioId: claim.portfolioId,
      clientOrderId: claim.clientOrderId,
      symbol: claim.symbol,
      side: claim.side,
      type: claim.type,
      quantity: claim.quantity,
      ...(claim.price === undefined ? {} : { price: claim.price }),
      timeInForce: claim.timeInForce,
      origin: claim.origin,
    };
    return this.#submit(request, claim, undefined);
  }

  /** The part of placing after the id is claimed: risk check, venue, journal and events. */
  async #submit(request: PlaceOrderRequest, claim: Order, known: Order | undefined): Promise<Order> {
    const now = this.#o.clock.now();
    const [snapshot, limits, killSwitch] = await Promise.all([
      this.#o.portfolios.riskSnapshot(request.portfolioId, request.symbol),
      this.#o.portfolios.riskLimits(request.portfolioId),
      this.#o.portfolios.killSwitch(request.portfolioId),
    ]);
    // Every other check first, then the rate counted and taken in one step (shared where
    // configured): an order refused for another reason does not use up a slot.
    let decision = checkOrder(request, limits, { ...snapshot, recentOrderTimes: [] }, killSwitch, now);
    if (decision.allowed && limits.maxOrdersPerMinute > 0) {
      const rate = await this.#orderRate.take(request.portfolioId, limits.maxOrdersPerMinute, now);
      if (!rate.allowed) decision = orderRateRefusal(rate.recent, limits.maxOrdersPerMinute);
    }
    if (!decision.allowed) {
      const detail =
        decision.reason === 'risk_limit' ? `${decision.limit}: ${decision.detail}` : decision.detail;
      this.#count('rejected', decision.reason);
      return this.#apply(rejectedOrder(request, decision.reason, detail, now), { prior: known });
    }
    const started = this.#o.clock.monotonic();
    let answer: Order;
    try {
      answer = await this.#o.broker.place(request);
    } catch (error) {
      this.#count('unknown', '');
      // The outcome is unknown: give the id back so placing it again (same id) is possible.
      await this.#o.journal.release(claim);
      throw error;
    } finally {
      this.#metrics?.placeSeconds.observe(
        { venue: this.#o.broker.venue },
        (this.#o.clock.monotonic() - started) / 1000,
      );
    }
    this.#count(answer.status === 'rejected' ? 'rejected' : 'placed', answer.rejectReason ?? '');
    return this.#apply({ ...answer, origin: request.origin }, { prior: known });
  }

  #count(outcome: 'placed' | 'rejected' | 'unknown', reason: string): void {
    this.#metrics?.orders.inc({ venue: this.#o.broker.venue, outcome, reason });
  }

  /** Cancels an order and emits what changed (fills first, then the cancel). */
  async cancel(ref: OrderRef, detail?: string): Promise<Order> {
    const answer = await this.#o.broker.cancel(ref);
    return this.#apply(
      detail === undefined || answer.status !== 'cancelled' ? answer : { ...answer, detail },
    );
  }

  /**
   * Asks the venue about every working order the journal knows (for venues that do not push) and
   * emits what changed. Returns the number of events emitted.
   */
  async sync(portfolioId?: string): Promise<number> {
    let emitted = 0;
    for (const order of await this.#o.journal.working(portfolioId)) {
      const now = await this.#o.broker.order({
        portfolioId: order.portfolioId,
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
      });
      if (now) emitted += (await this.#applyCounted(now)).events;
    }
    return emitted;
  }

  /**
   * Applies an engaged kill switch: cancels every working order of the portfolio at the venue
   * (those placed outside Tickline included). Returns the cancelled orders.
   */
  async cancelAll(portfolioId: string, state: KillSwitchState): Promise<Order[]> {
    const open = await this.#o.broker.openOrders({ portfolioId });
    const cancelled: Order[] = [];
    for (const order of ordersToCancel(state, open)) {
      cancelled.push(
        await this.cancel(
          { portfolioId, symbol: order.symbol, clientOrderId: order.clientOrderId },
          'kill switch',
        ),
      );
    }
    return cancelled;
  }

  /**
   * Takes an order snapshot a venue pushed (the paper broker's fills on a bar, a user-data stream)
   * and emits what changed since the journal's copy.
   */
  applyUpdate(order: Order): Promise<Order> {
    return this.#apply(order);
  }

  /**
   * @param claimed set when the desk holds this id's claim: the journal then has the claim's
   *   placeholder, and the state to diff against is `prior`, the snapshot seen before claiming.
   */
  async #apply(next: Order, claimed?: { prior: Order | undefined }): Promise<Order> {
    return (await this.#applyCounted(next, claimed)).order;
  }

  /**
   * Changes to one order are applied one after the other: a pushed update and a poll (or the
   * answer to placing) read the journal, diff and write it, and two at once would both tell the
   * same fill.
   */
  #applyCounted(
    next: Order,
    claimed?: { prior: Order | undefined },
  ): Promise<{ order: Order; events: number }> {
    const key = `${next.portfolioId}\u0000${next.clientOrderId}`;
    const before = this.#applying.get(key) ?? Promise.resolve();
    const applied = before.catch(() => undefined).then(() => this.#applyNow(next, claimed));
    this.#applying.set(key, applied);
    void applied
      .finally(() => {
        if (this.#applying.get(key) === applied) this.#applying.delete(key);
      })
      .catch(() => undefined);
    return applied;
  }

  async #applyNow(
    next: Order,
    claimed?: { prior: Order | undefined },
  ): Promise<{ order: Order; events: number }> {
    const previous = claimed
      ? claimed.prior
      : await this.#o.journal.get(next.portfolioId, next.clientOrderId);
    // Venues do not store the origin; keep the one the journal has.
    const merged =
      next.origin === undefined && previous?.origin !== undefined
        ? { ...next, origin: previous.origin }
        : next;
    // A final snapshot never moves back to working (a late poll answer after a cancel).
    if (
      previous &&
      previous.status !== 'rejected' &&
      isFinalStatus(previous.status) &&
      !isFinalStatus(merged.status)
    ) {
      return { order: previous, events: 0 };
    }
    // After a rejected attempt the order's life starts over; a repeated rejection says nothing new.
    const since = previous?.status === 'rejected' && merged.status !== 'rejected' ? undefined : previous;
    const events = orderTransitions(since, merged, this.#o.broker.venue);
    const stamp = this.#o.envelope;
    const envelopes = stamp === undefined ? undefined : events.map((event) => stamp(event));
    await this.#o.journal.put(merged, envelopes);
    for (let i = 0; i < events.length; i++) this.#o.emit(events[i]!, envelopes?.[i]);
    return { order: merged, events: events.length };
  }
}

/**
 * The journal's placeholder for a claimed id: the order as requested, `new`, with no venue id
 * yet. A process killed between claim and venue leaves it (the order is then not placed, never
 * placed twice); venues do not know its id, so polling it changes nothing.
 */
function claimOrder(request: PlaceOrderRequest, at: number): Order {
  const { rejectReason: _reason, detail: _detail, ...order } = rejectedOrder(request, 'venue_error', '', at);
  return { ...order, status: 'new' };
}
