/**
 * @module One portfolio bound to Binance spot: its adapter (the portfolio's own key), its order desk
 * over the shared journal, and its user-data stream. Fills arrive on the stream and are applied as
 * snapshots (execution-report.ts); when a report does not follow from what the journal holds (one
 * was missed while the stream was away) the order is read whole over REST instead. An order whose
 * placing got no answer (`STRATEGY_BROKER_OUTCOME_UNKNOWN`) is remembered and looked up again after
 * every (re)subscription and sync until it is known: found, it is applied (placed, filled); absent
 * once its request can no longer execute (its timestamp plus `recvWindow` has passed on the venue
 * clock), it is recorded as rejected — so every order ends in a known state and none is placed twice.
 */
import type { Logger } from '@tickline/kernel';
import { isBrokerOutcomeUnknownError } from '../broker/errors.ts';
import type { BinanceSpotBroker } from '../broker/binance/binance-spot-broker.ts';
import type { BinanceCredentials, BinanceSpotConfig } from '../broker/binance/config.ts';
import {
  applyExecutionReport,
  executionReportSchema,
  reportClientOrderId,
} from '../broker/binance/execution-report.ts';
import { toCanonicalSymbol } from '@tickline/market';
import { BinanceUserStream } from '../broker/binance/user-stream.ts';
import type { OrderDesk } from '../broker/order-desk.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import {
  type Order,
  type PlaceOrderInput,
  type PlaceOrderRequest,
  PlaceOrderRequestSchema,
  rejectedOrder,
} from '../broker/order.ts';
import type { ReconcileVenue, Reconciler } from '../reconcile/reconciler.ts';
import { ReconciliationTrigger } from '../reconcile/reconciliation-store.ts';

/** An order whose placing got no answer, until the venue says what became of it. */
interface Unknown {
  request: PlaceOrderRequest;
  /** Venue time the request was stamped with (at the latest): past it plus recvWindow, it cannot execute. */
  sentAt: number;
}

/** Options for {@link BinancePortfolio}. */
export interface BinancePortfolioOptions {
  portfolioId: string;
  broker: BinanceSpotBroker;
  desk: OrderDesk;
  journal: OrderJournal;
  credentials: BinanceCredentials;
  config: BinanceSpotConfig;
  logger: Logger;
  /** Fail-closed reconciliation: the portfolio is held from the stream's start and each drop or gap until its books agree. */
  reconciler?: Pick<Reconciler, 'hold' | 'run'> | undefined;
}

/** See the module comment. */
export class BinancePortfolio {
  readonly portfolioId: string;
  readonly desk: OrderDesk;
  readonly broker: BinanceSpotBroker;
  readonly #o: BinancePortfolioOptions;
  readonly #unknown = new Map<string, Unknown>();
  #stream: BinanceUserStream | undefined;

  constructor(options: BinancePortfolioOptions) {
    this.#o = options;
    this.portfolioId = options.portfolioId;
    this.desk = options.desk;
    this.broker = options.broker;
  }

  /** Orders placed here whose outcome is not known yet (client order ids). */
  get unknownOutcomes(): string[] {
    return [...this.#unknown.keys()];
  }

  /** True while this process follows the portfolio's user-data stream. */
  get streaming(): boolean {
    return this.#stream !== undefined;
  }

  /** Places through the desk; an order without an answer is followed until it is known. */
  async place(input: PlaceOrderInput | PlaceOrderRequest): Promise<Order> {
    const sentAt = this.broker.venueNow();
    try {
      return await this.desk.place(input);
    } catch (error) {
      if (isBrokerOutcomeUnknownError(error)) {
        const request = PlaceOrderRequestSchema.parse(input);
        this.#unknown.set(request.clientOrderId, {
          request,
          sentAt: Math.max(sentAt, this.broker.venueNow()),
        });
        this.#o.logger.warn(
          { portfolioId: this.portfolioId, clientOrderId: request.clientOrderId },
          'Binance gave no answer to an order; it is looked up until the venue says what became of it',
        );
      }
      throw error;
    }
  }

  /** Follows the user-data stream (on the process that owns the portfolio's stream). */
  startStream(): void {
    if (this.#stream !== undefined) return;
    const { config, credentials, logger, reconciler } = this.#o;
    // Until the first subscription was reconciled, the books are not known to be the venue's.
    reconciler?.hold(this.portfolioId, ReconciliationTrigger.Start);
    this.#stream = new BinanceUserStream({
      url: config.wsApiUrl,
      credentials,
      recvWindowMs: config.recvWindowMs,
      venueNow: () => this.broker.venueNow(),
      resyncClock: () => this.broker.syncClock(),
      reconnectMs: config.streamReconnectMs,
      onEvent: (event) => this.#event(event),
      onSubscribed: async ({ reconnect }) => {
        if (reconciler === undefined) return this.reconcile();
        await this.reconcileBooks(reconnect ? ReconciliationTrigger.Reconnect : ReconciliationTrigger.Start);
      },
      onDropped: () => reconciler?.hold(this.portfolioId, ReconciliationTrigger.Reconnect),
      logger: logger.child({ portfolioId: this.portfolioId, component: 'binance-user-stream' }),
    });
    this.#stream.start();
  }

  async stopStream(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.stop();
  }

  /**
   * What the stream may have missed: every working order read again over REST, then each order
   * without an answer looked up. Runs after each subscription and on the venues' beat.
   */
  async reconcile(): Promise<void> {
    await this.desk.sync(this.portfolioId);
    for (const [clientOrderId, unknown] of this.#unknown) await this.#resolve(clientOrderId, unknown);
  }

  /** Compares the books with the venue's report and corrects them (see reconciler.ts). */
  async reconcileBooks(trigger: ReconciliationTrigger): Promise<void> {
    await this.#o.reconciler?.run(this.portfolioId, trigger, this.reconcileVenue());
  }

  /** This portfolio's venue as the reconciler reads it (its orders' outcomes settled on the way). */
  reconcileVenue(): ReconcileVenue {
    return {
      broker: this.broker,
      desk: this.desk,
      compareBalances: true,
      settleUnknown: async () => {
        for (const [clientOrderId, unknown] of this.#unknown) await this.#resolve(clientOrderId, unknown);
      },
    };
  }

  async #resolve(clientOrderId: string, unknown: Unknown): Promise<void> {
    const { request } = unknown;
    const ref = { portfolioId: this.portfolioId, symbol: request.symbol, clientOrderId };
    // Placed again meanwhile (the client retried with the same key): the journal knows it.
    const journaled = await this.#o.journal.get(this.portfolioId, clientOrderId);
    if (journaled !== undefined && journaled.status !== 'rejected') {
      this.#unknown.delete(clientOrderId);
      return;
    }
    const atVenue = await this.broker.order(ref).catch(() => null);
    if (atVenue === null) return; // the venue is still away: ask again later
    if (atVenue !== undefined) {
      await this.desk.applyUpdate({ ...atVenue, origin: request.origin });
      this.#unknown.delete(clientOrderId);
      this.#o.logger.info(
        { portfolioId: this.portfolioId, clientOrderId },
        'Binance order without an answer found',
      );
      return;
    }
    // Absent. A request the venue has not seen can still arrive until its window closes.
    if (this.broker.venueNow() <= unknown.sentAt + this.#o.config.recvWindowMs) return;
    await this.desk.applyUpdate(
      rejectedOrder(
        request,
        'venue_error',
        'Binance never received the order (no answer, and it does not know the id): nothing was placed',
        this.broker.venueNow(),
      ),
    );
    this.#unknown.delete(clientOrderId);
  }

  async #event(event: Record<string, unknown>): Promise<void> {
    if (event['e'] !== 'executionReport') return;
    const report = executionReportSchema.parse(event);
    const clientOrderId = reportClientOrderId(report);
    const symbol = toCanonicalSymbol('binance', report.s) ?? report.s;
    // An update may overtake the answer to placing the order: it is applied after that answer.
    await this.desk.settled(this.portfolioId, clientOrderId);
    const previous = await this.#o.journal.get(this.portfolioId, clientOrderId);
    const known = previous?.status === 'rejected' ? undefined : previous;
    const followed = applyExecutionReport(known, report, this.portfolioId, symbol);
    if (followed === undefined) {
      // A gap: a report was missed, so other orders and balances may be stale too.
      this.#o.reconciler?.hold(this.portfolioId, ReconciliationTrigger.Gap);
      const next = await this.broker.order({ portfolioId: this.portfolioId, symbol, clientOrderId });
      if (next !== undefined) await this.desk.applyUpdate(next);
      this.#unknown.delete(clientOrderId);
      await this.reconcileBooks(ReconciliationTrigger.Gap);
      return;
    }
    await this.desk.applyUpdate(followed);
    this.#unknown.delete(clientOrderId);
  }
}
