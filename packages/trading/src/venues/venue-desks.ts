/**
 * @module The order desk every caller uses — strategy runs, the routes, the kill switch — routing
 * each portfolio to the desk of the venue it is bound to: paper (no binding) or its own Binance
 * desk (venue-bindings.ts says which, read again within a second of a change). A bound
 * portfolio's venue is opened on its first order from the sealed key; its user-data stream runs on
 * the one runner process that owns the portfolio (rendezvous over the runner members, as live runs
 * are assigned) and is re-checked on every beat.
 */
import type { Logger, Service } from '@tickline/kernel';
import type { Broker, LotRules, OrderRef } from '../broker/broker.ts';
import type { OrderDesk, OrderDeskPort } from '../broker/order-desk.ts';
import {
  type Order,
  type PlaceOrderInput,
  type PlaceOrderRequest,
  PlaceOrderRequestSchema,
  rejectedOrder,
} from '../broker/order.ts';
import { BINANCE_SPOT_VENUE } from '../broker/binance/binance-spot-broker.ts';
import type { Reconciler } from '../reconcile/reconciler.ts';
import type { ReconciliationReport, ReconciliationTrigger } from '../reconcile/reconciliation-store.ts';
import type { KillSwitchState } from '../risk/kill-switch.ts';
import type { BinancePortfolio } from './binance-portfolio.ts';
import type { VenueBindings } from './venue-bindings.ts';

/** Options for {@link VenueDesks}. */
export interface VenueDesksOptions {
  paper: OrderDesk;
  bindings: VenueBindings;
  /** Opens a portfolio bound to Binance from its stored key (undefined: the venue is off). */
  openBinance: (portfolioId: string) => Promise<BinancePortfolio>;
  /** Whether this process follows `portfolioId`'s user-data stream. */
  streamsHere: (portfolioId: string) => boolean;
  logger: Logger;
  /** Epoch ms (a refused strategy order's time). */
  now: () => number;
  /** Fail-closed reconciliation, and the paper venue's adapter it reads for a paper portfolio. */
  reconcile?: { reconciler: Reconciler; paperBroker: Broker } | undefined;
}

/** See the module comment. */
export class VenueDesks implements OrderDeskPort {
  readonly #o: VenueDesksOptions;
  readonly #binance = new Map<string, Promise<BinancePortfolio>>();

  constructor(options: VenueDesksOptions) {
    this.#o = options;
  }

  /** The Binance side of a bound portfolio, opened on first use. */
  binance(portfolioId: string): Promise<BinancePortfolio> {
    let open = this.#binance.get(portfolioId);
    if (open === undefined) {
      open = this.#o.openBinance(portfolioId);
      // A failed open (the key could not be read) is tried again on the next order.
      open.catch(() => this.#binance.delete(portfolioId));
      this.#binance.set(portfolioId, open);
    }
    return open;
  }

  /** The desk `portfolioId`'s orders go through now. */
  async deskOf(portfolioId: string): Promise<OrderDesk> {
    const venue = await this.#o.bindings.venueOf(portfolioId);
    return venue === BINANCE_SPOT_VENUE ? (await this.binance(portfolioId)).desk : this.#o.paper;
  }

  /** The lot filters of `symbol` at `portfolioId`'s venue: none on paper (its desk's minimum only). */
  async lotRules(portfolioId: string, symbol: string): Promise<LotRules | undefined> {
    if ((await this.#o.bindings.venueOf(portfolioId)) !== BINANCE_SPOT_VENUE) return undefined;
    return (await this.binance(portfolioId)).broker.lotRules(symbol);
  }

  async place(input: PlaceOrderInput | PlaceOrderRequest): Promise<Order> {
    const portfolioId = input.portfolioId;
    // New risk waits while the books are compared with the venue; cancels do not.
    const held = await this.#refuseIfHeld(input);
    if (held !== undefined) return held;
    if ((await this.#o.bindings.venueOf(portfolioId)) === BINANCE_SPOT_VENUE)
      return (await this.binance(portfolioId)).place(input);
    return this.#o.paper.place(input);
  }

  /**
   * A person's order is refused with `TRADING_RECONCILING`; a strategy's is answered rejected (an
   * `order.rejected` its run sees, as for a risk refusal), so a run never fails on a hold.
   */
  async #refuseIfHeld(input: PlaceOrderInput | PlaceOrderRequest): Promise<Order | undefined> {
    const reconciler = this.#o.reconcile?.reconciler;
    if (reconciler?.held(input.portfolioId) === undefined) return undefined;
    // The same order asked for again (a retry after an unknown outcome) is no new risk: its desk
    // answers with the order it holds.
    if (typeof input.clientOrderId === 'string') {
      const known = await (
        await this.deskOf(input.portfolioId)
      ).known(input.portfolioId, input.clientOrderId);
      if (known !== undefined) return undefined;
    }
    try {
      reconciler.refuseIfHeld(input.portfolioId);
      return undefined;
    } catch (error) {
      if (input.origin.kind !== 'strategy' || !(error instanceof Error)) throw error;
      const request = PlaceOrderRequestSchema.parse(input);
      const desk = await this.deskOf(input.portfolioId);
      return desk.applyUpdate(rejectedOrder(request, 'venue_error', error.message, this.#o.now()));
    }
  }

  async cancel(ref: OrderRef, detail?: string): Promise<Order> {
    return (await this.deskOf(ref.portfolioId)).cancel(ref, detail);
  }

  async cancelAll(portfolioId: string, state: KillSwitchState): Promise<Order[]> {
    return (await this.deskOf(portfolioId)).cancelAll(portfolioId, state);
  }

  async applyUpdate(order: Order): Promise<Order> {
    return (await this.deskOf(order.portfolioId)).applyUpdate(order);
  }

  async sync(portfolioId?: string): Promise<number> {
    if (portfolioId !== undefined) return (await this.deskOf(portfolioId)).sync(portfolioId);
    return this.#o.paper.sync();
  }

  placing(portfolioId: string, clientOrderId: string): boolean {
    return this.#o.paper.placing(portfolioId, clientOrderId);
  }

  async settled(portfolioId: string, clientOrderId: string): Promise<void> {
    return (await this.deskOf(portfolioId)).settled(portfolioId, clientOrderId);
  }

  /**
   * Compares `portfolioId`'s books with its venue now (paper or Binance: the same path) and
   * stores the report. Undefined where reconciliation is not set up.
   */
  async reconcile(
    portfolioId: string,
    trigger: ReconciliationTrigger,
  ): Promise<ReconciliationReport | undefined> {
    const r = this.#o.reconcile;
    if (r === undefined) return undefined;
    if ((await this.#o.bindings.venueOf(portfolioId)) !== BINANCE_SPOT_VENUE)
      return r.reconciler.run(portfolioId, trigger, {
        broker: r.paperBroker,
        desk: this.#o.paper,
        compareBalances: false,
      });
    return r.reconciler.run(portfolioId, trigger, (await this.binance(portfolioId)).reconcileVenue());
  }

  /** `portfolioId`'s reconciliation reports, latest first (none where it is not set up). */
  async reconciliations(portfolioId: string, limit: number) {
    const reconciler = this.#o.reconcile?.reconciler;
    const reports: ReconciliationReport[] = (await reconciler?.list(portfolioId, limit)) ?? [];
    return { reconciling: reconciler?.held(portfolioId) ?? null, reports };
  }

  /** Paper claims whose placer is gone (order adoption runs over the paper journal only). */
  resubmit(claim: Order): Promise<Order> {
    return this.#o.paper.resubmit(claim);
  }

  /**
   * Follows the streams this process owns and drops the others, and looks up the orders that got
   * no answer. Runs on the beat; a portfolio unbound meanwhile is closed.
   */
  async refresh(): Promise<void> {
    const bound = new Set(await this.#o.bindings.boundTo(BINANCE_SPOT_VENUE));
    for (const [portfolioId, open] of this.#binance) {
      const venue = await open.catch(() => undefined);
      if (venue === undefined) continue;
      if (!bound.has(portfolioId)) {
        await this.forget(portfolioId);
        continue;
      }
      // Held and the venue could not be read last time: try again on each beat.
      const held = this.#o.reconcile?.reconciler.heldFor(portfolioId);
      if (held !== undefined && venue.streaming)
        await venue
          .reconcileBooks(held)
          .catch((error: unknown) =>
            this.#o.logger.warn({ err: error, portfolioId }, 'reconciliation failed'),
          );
      if (venue.unknownOutcomes.length > 0)
        await venue
          .reconcile()
          .catch((error: unknown) =>
            this.#o.logger.warn({ err: error, portfolioId }, 'Binance orders could not be reconciled yet'),
          );
    }
    for (const portfolioId of bound) {
      const here = this.#o.streamsHere(portfolioId);
      if (!here && !this.#binance.has(portfolioId)) continue;
      const venue = await this.binance(portfolioId).catch((error: unknown) => {
        this.#o.logger.warn({ err: error, portfolioId }, 'a portfolio bound to Binance could not be opened');
        return undefined;
      });
      if (venue === undefined) continue;
      if (here) venue.startStream();
      else await venue.stopStream();
    }
  }

  /** Closes a portfolio's venue (unbound, or bound to another key): the next order opens it again. */
  async forget(portfolioId: string): Promise<void> {
    const open = this.#binance.get(portfolioId);
    this.#binance.delete(portfolioId);
    const venue = await open?.catch(() => undefined);
    await venue?.stopStream();
  }

  /** Stops every stream (the process is stopping). */
  async close(): Promise<void> {
    for (const portfolioId of [...this.#binance.keys()]) await this.forget(portfolioId);
  }

  /** The beat that keeps streams where they belong, as a service of the process. */
  service(beat: (run: () => Promise<void>) => Service): Service {
    return beat(() => this.refresh());
  }
}
