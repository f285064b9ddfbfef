/**
 * @module Fail-closed reconciliation. On start, after a venue reconnect, on a gap in the venue's
 * user stream (and on request), a portfolio's books are compared with its venue's report: each
 * working order in the journal is read at the venue, the venue's working orders are listed, its
 * balances read. While that runs — and from the moment the stream is lost — the portfolio is
 * *held*: new orders are refused with `TRADING_RECONCILING` (cancels still go through), because
 * the books may be wrong and a risk check on wrong books is no check. Each difference is corrected
 * by an event: an order the venue filled or cancelled meanwhile through the desk (`order.filled`,
 * `order.cancelled`), an order working at the venue the books do not hold is journaled
 * (`order.placed`), an asset changed from outside by `portfolio.balance.corrected` (the books take
 * the venue's quantity) — only from a read of the balances the books had caught up with: the venue
 * executes a fill before its report reaches the books, so a read that holds a fill not booked yet
 * is read again (see #settledBalances). Then the whole comparison is stored as a report and the
 * hold lifted. A venue that cannot be read, or whose balances do not settle, leaves the hold on (a
 * report with the error says so); the next trigger or the venues' beat tries again. The paper
 * venue goes through the same path (`run` with its desk).
 */
import { type Clock, type EventEnvelope, type EventSource, type Logger, uuidv7 } from '@tickline/kernel';
import type { Broker } from '../broker/broker.ts';
import type { OrderDesk } from '../broker/order-desk.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { Order } from '../broker/order.ts';
import type { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { VenueError } from '../venues/venue-errors.ts';
import {
  balanceDifferences,
  bookHoldings,
  orderDifferences,
  type ReconciliationDifference,
} from './compare-books.ts';
import { PortfolioBalanceCorrected, PortfolioReconciled } from './reconcile-events.ts';
import type {
  ReconciliationReport,
  ReconciliationStore,
  ReconciliationTrigger,
} from './reconciliation-store.ts';

/** How long the same failure (the venue away) is stored once, while the beat keeps trying. */
export const REPEATED_FAILURE_MS = 60_000;

/**
 * How many times the venue's balances are read while fills are still being booked (or a
 * difference is not yet confirmed) before the run gives up and the hold stays.
 */
export const MAX_BALANCE_READS = 5;

/** The venue side of one portfolio: its adapter and the desk that turns answers into events. */
export interface ReconcileVenue {
  broker: Broker;
  /** Its `idle`: the balances are read once what it is applying (a stream report, an answer) is booked. */
  desk: Pick<OrderDesk, 'applyUpdate' | 'idle'>;
  /**
   * Settles orders whose placing got no answer, after the orders and after each read of the
   * balances, so an order the venue executed is booked as a fill, not taken for a change from outside.
   */
  settleUnknown?: () => Promise<void>;
  /**
   * Whether the venue's balances are compared: not on paper, whose balances are the books
   * themselves (nothing outside can change them).
   */
  compareBalances: boolean;
}

/** Options for {@link Reconciler}. */
export interface ReconcilerOptions {
  journal: OrderJournal;
  books: CorePortfolioLedger;
  store: Pick<ReconciliationStore, 'save' | 'list'>;
  /** Events (`portfolio.balance.corrected`, `portfolio.reconciled`) to the log. */
  publish: (event: EventEnvelope) => void;
  source: EventSource;
  clock: Clock;
  logger: Logger;
  /** The asset the books' cash is in. */
  cashAssetOf: (portfolioId: string) => Promise<string>;
}

/** See the module comment. */
export class Reconciler {
  readonly #o: ReconcilerOptions;
  /** Held portfolios: why, since when. */
  readonly #held = new Map<string, { trigger: ReconciliationTrigger; since: number }>();
  readonly #running = new Map<string, Promise<ReconciliationReport>>();
  /** The last failure stored per portfolio: a venue away fails every retry the same way. */
  readonly #failed = new Map<string, { error: string; at: number }>();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  /** Refuses new orders of `portfolioId` until a reconciliation agrees (the stream was lost). */
  hold(portfolioId: string, trigger: ReconciliationTrigger): void {
    if (!this.#held.has(portfolioId)) this.#held.set(portfolioId, { trigger, since: this.#o.clock.now() });
  }

  /** The portfolio's stored reports, latest first. */
  list(portfolioId: string, limit: number): Promise<ReconciliationReport[]> {
    return this.#o.store.list(portfolioId, limit);
  }

  /** Why and since when (epoch ms) `portfolioId` is held, or undefined when it is not. */
  held(portfolioId: string): { trigger: ReconciliationTrigger; since: number } | undefined {
    const held = this.#held.get(portfolioId);
    return held && { ...held };
  }

  /** Why `portfolioId` is held, or undefined when it is not. */
  heldFor(portfolioId: string): ReconciliationTrigger | undefined {
    return this.#held.get(portfolioId)?.trigger;
  }

  /** @throws VenueError `TRADING_RECONCILING` while the portfolio is held. */
  refuseIfHeld(portfolioId: string): void {
    const held = this.#held.get(portfolioId);
    if (held === undefined) return;
    throw new VenueError(
      'TRADING_RECONCILING',
      `portfolio ${portfolioId} is being reconciled with its venue (${held.trigger}); new orders wait until its books agree`,
      { details: { portfolioId, trigger: held.trigger, since: new Date(held.since).toISOString() } },
    );
  }

  /** Reconciles `portfolioId` with `venue`; one at a time per portfolio (a second call joins it). */
  run(
    portfolioId: string,
    trigger: ReconciliationTrigger,
    venue: ReconcileVenue,
  ): Promise<ReconciliationReport> {
    const running = this.#running.get(portfolioId);
    if (running !== undefined) return running;
    this.hold(portfolioId, trigger);
    const run = this.#run(portfolioId, trigger, venue).finally(() => this.#running.delete(portfolioId));
    this.#running.set(portfolioId, run);
    return run;
  }

  async #run(
    portfolioId: string,
    trigger: ReconciliationTrigger,
    venue: ReconcileVenue,
  ): Promise<ReconciliationReport> {
    const { clock, logger } = this.#o;
    const report: ReconciliationReport = {
      reconciliationId: uuidv7(),
      portfolioId,
      venue: venue.broker.venue,
      trigger,
      startedAt: clock.now(),
      finishedAt: clock.now(),
      agreed: false,
      differences: [],
      venueReport: { openOrders: [], balances: [] },
    };
    try {
      report.differences = await this.#compare(report, venue);
      report.agreed = true;
      this.#held.delete(portfolioId);
    } catch (error) {
      report.error = error instanceof Error ? error.message : String(error);
      logger.warn(
        { err: error, portfolioId, trigger },
        'reconciliation could not read the venue; new orders stay refused',
      );
    }
    report.finishedAt = clock.now();
    if (this.#repeatsFailure(report)) return report;
    await this.#o.store.save(report);
    this.#o.publish(
      this.#o.source.create(PortfolioReconciled, {
        subject: portfolioId,
        data: {
          portfolioId,
          reconciliationId: report.reconciliationId,
          venue: report.venue,
          trigger,
          agreed: report.agreed,
          differences: report.differences.length,
        },
      }),
    );
    if (report.differences.length > 0)
      logger.warn(
        { portfolioId, trigger, reconciliationId: report.reconciliationId, differences: report.differences },
        'reconciliation corrected the books from the venue',
      );
    return report;
  }

  /** True for a failure like the last one stored within {@link REPEATED_FAILURE_MS}: not stored again. */
  #repeatsFailure(report: ReconciliationReport): boolean {
    if (report.error === undefined) {
      this.#failed.delete(report.portfolioId);
      return false;
    }
    const last = this.#failed.get(report.portfolioId);
    if (last?.error === report.error && report.finishedAt - last.at < REPEATED_FAILURE_MS) return true;
    this.#failed.set(report.portfolioId, { error: report.error, at: report.finishedAt });
    return false;
  }

  /**
   * Reads the venue, corrects the books difference by difference, and says what differed. The
   * differences found so far are in `report` when it throws.
   */
  async #compare(report: ReconciliationReport, venue: ReconcileVenue): Promise<ReconciliationDifference[]> {
    const { portfolioId } = report;
    const { broker } = venue;
    report.differences = await this.#orders(report, venue);
    await venue.settleUnknown?.();
    if (!venue.compareBalances) return report.differences;
    const cashAsset = await this.#o.cashAssetOf(portfolioId);
    const assets = await this.#settledBalances(report, venue, cashAsset);
    const { books } = this.#o;
    for (const d of assets) {
      if (d.kind !== 'balance') continue;
      books.adjustHolding(portfolioId, d.asset, cashAsset, d.delta);
      this.#o.publish(
        this.#o.source.create(PortfolioBalanceCorrected, {
          subject: portfolioId,
          data: {
            portfolioId,
            reconciliationId: report.reconciliationId,
            venue: broker.venue,
            asset: d.asset,
            booksQuantity: d.books,
            venueQuantity: d.venue,
            delta: d.delta,
          },
        }),
      );
    }
    return [...report.differences, ...assets];
  }

  /** Reads the books' working orders and the venue's at the venue and applies what changed. */
  async #orders(report: ReconciliationReport, venue: ReconcileVenue): Promise<ReconciliationDifference[]> {
    const { portfolioId } = report;
    const { broker, desk } = venue;
    const working = await this.#o.journal.working(portfolioId);
    const atVenue = new Map<string, Order | undefined>();
    for (const o of working)
      atVenue.set(
        o.clientOrderId,
        await broker.order({ portfolioId, symbol: o.symbol, clientOrderId: o.clientOrderId }),
      );
    const venueOpen = await broker.openOrders({ portfolioId });
    report.venueReport.openOrders = venueOpen.map((o) => ({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      status: o.status,
      filledQuantity: o.filledQuantity,
    }));
    const orders = orderDifferences(working, atVenue, venueOpen);
    for (const d of orders) {
      if (d.kind === 'order_changed')
        await desk.applyUpdate({
          ...atVenue.get(d.clientOrderId)!,
          origin: originOf(working, d.clientOrderId),
        });
      if (d.kind === 'order_unknown')
        await desk.applyUpdate(venueOpen.find((o) => o.clientOrderId === d.clientOrderId)!);
    }
    return orders;
  }

  /**
   * The assets whose quantity in the books is not the venue's, from a read of the venue's balances
   * that the books had caught up with. The venue executes a fill before anyone hears of it (on the
   * user-data stream, whose queue a reconnect's run holds, or in the answer to placing), so a read
   * may hold a fill the books have not booked yet; taken for a change from outside, it would be
   * booked twice once its report arrives, and corrected back by the next run. So a read counts
   * only when, after it, the working orders still agree with the venue and no fill was booked
   * while it was read; and a difference is corrected only when two such reads show it.
   * @throws Error when that did not happen in {@link MAX_BALANCE_READS} reads (the hold stays).
   */
  async #settledBalances(
    report: ReconciliationReport,
    venue: ReconcileVenue,
    cashAsset: string,
  ): Promise<ReconciliationDifference[]> {
    const { portfolioId } = report;
    const { books } = this.#o;
    let confirming: ReconciliationDifference[] | undefined;
    for (let read = 0; read < MAX_BALANCE_READS; read++) {
      await venue.desk.idle();
      const booked = fillsBooked(books, portfolioId);
      const balances = await venue.broker.balances(portfolioId);
      report.venueReport.balances = balances;
      // A fill the venue executed before it answered shows in the order it touched.
      const late = (await this.#orders(report, venue)).filter((d) => d.kind !== 'order_missing');
      report.differences.push(...late);
      await venue.settleUnknown?.();
      await venue.desk.idle();
      if (late.length > 0 || fillsBooked(books, portfolioId) !== booked) {
        confirming = undefined;
        continue;
      }
      const held = bookHoldings(books.cash(portfolioId), cashAsset, books.positions(portfolioId));
      const assets = balanceDifferences(held, balances);
      if (assets.length === 0 || (confirming !== undefined && sameDifferences(confirming, assets)))
        return assets;
      confirming = assets;
    }
    throw new Error(
      `the venue's balances did not settle in ${MAX_BALANCE_READS} reads (fills were still being booked); ` +
        'nothing was corrected from them',
    );
  }
}

/** Fills booked into `portfolioId`'s books so far: a change means a fill arrived meanwhile. */
function fillsBooked(books: CorePortfolioLedger, portfolioId: string): number {
  return books.dayState(portfolioId)?.fills ?? 0;
}

/** Whether two reads found the same assets differing by the same figures. */
function sameDifferences(
  a: readonly ReconciliationDifference[],
  b: readonly ReconciliationDifference[],
): boolean {
  const figures = (d: ReconciliationDifference) =>
    d.kind === 'balance' ? `${d.asset}\u0000${d.books}\u0000${d.venue}` : '';
  const first = new Set(a.map(figures));
  return a.length === b.length && b.every((d) => first.has(figures(d)));
}

function originOf(working: readonly Order[], clientOrderId: string): Order['origin'] {
  return working.find((o) => o.clientOrderId === clientOrderId)?.origin;
}
