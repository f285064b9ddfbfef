/**
 * @module The live host: everything a process needs to run live strategies on paper, made from
 * real, started dependencies — the paper venue, the portfolio books and risk view, the order
 * desk over the SQL journal, the runner, and two eventlog consumer runners (the candles into the
 * runner, the portfolio projection into SQL). The composition root adds `services` to its
 * ServiceHost and mounts `liveRoutes` with `routeOptions` plus identity's hooks.
 */
import { type ConsumerRunner, createConsumerRunner, type EventLog } from '@tickline/eventlog';
import {
  type Clock,
  createEventSource,
  type EventEnvelope,
  type Registry,
  type Service,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { OrderDesk, type OrderDeskOptions, type OrderDeskPort } from '../broker/order-desk.ts';
import { orderEnvelope, orderEventSourceName } from '../broker/order-envelope.ts';
import type { PaperBroker } from '../broker/paper/paper-ports.ts';
import {
  createOrderEventOutbox,
  storeOutboxEvents,
  unbookedFills,
} from '../broker/sql/order-event-outbox.ts';
import { SqlOrderJournal } from '../broker/sql/sql-order-journal.ts';
import type { EngineSettings, OpenSession, StrategyDefinition } from '@tickline/strategy';
import { coreFillModel } from '../paper/core-fill-model.ts';
import type { ClosedMarketPolicy } from '../paper/market-hours.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import {
  createPortfolioProjection,
  loadPortfolio,
  PORTFOLIO_PROJECTION_CONSUMER,
  PORTFOLIO_PROJECTION_EVENTS,
} from '../portfolio/portfolio-projection.ts';
import type { OrderRateLimiter } from '../risk/order-rate-limiter.ts';
import { InMemoryOrderRateLimiter } from '../risk/order-rate-limiter.ts';
import type { RiskLimits } from '../risk/risk-limits.ts';
import { SqlRiskControls } from '../risk/sql-risk-controls.ts';
import { openBinancePortfolio, type OpenBinanceDeps } from '../venues/open-binance.ts';
import { VenueDesks } from '../venues/venue-desks.ts';
import type { RunnerMembership } from './membership.ts';
import { type CandleHistory, type FeedCandle, LiveRunner, type LiveRunnerOptions } from './live-runner.ts';
import { PortfolioOrderFilled } from './live-events.ts';
import { adoptOrphanOrders, type AdoptOrphanOrdersResult } from './order-adoption.ts';
import { createBooksFollower, MEMBER_DURABLE_EXPIRY_MS, openFromSnapshot } from './books-follower.ts';
import { createHostReconciler } from '../reconcile/host-reconciler.ts';

/** Dependencies of {@link createLiveHost}. */
export interface LiveHostDeps {
  eventLog: EventLog;
  /** Publishes an event (the started publisher's `publish`). */
  publish: (event: EventEnvelope) => void;
  /**
   * Resolves true once everything published is in the log (the publisher's `flush`): the order
   * events' outbox deletes its rows then. @default true at once (a log appended synchronously)
   */
  flush?: (timeoutMs: number) => Promise<boolean>;
  sql: Sql;
  clock: Clock;
  metrics?: Registry;
  /** This process's member name (its candle consumer is `strategy.live.<member>`). */
  member: string;
  symbols: ReadonlySet<string>;
  /** Fees and slippage of the paper venue. */
  settings: EngineSettings;
  risk: RiskLimits;
  /** A share order while its exchange is closed (`trading.live.closedMarket`). @default 'refuse' */
  closedMarket?: ClosedMarketPolicy;
  /** Opens a run's strategy in its sandbox (see LiveRunnerOptions.open). */
  open?: OpenSession;
  /** Trusted definitions on this thread instead (tests only). */
  load?: (strategyId: string, version: number, userId: string) => Promise<StrategyDefinition>;
  /** CPU budget per candle of sessions that do not enforce their own (host sessions). */
  cpuMsPerCandle?: number;
  /** CPU time a run's whole warm-up may use (see LiveRunnerOptions.warmupCpuMs). */
  warmupCpuMs?: number;
  history: CandleHistory;
  owns?: (runId: string) => boolean;
  /**
   * Several runner processes: heartbeats are read from the candle consumer's batches and runs
   * assigned by rendezvous (`owns` is then the membership's). Publish `membership.heartbeat()`
   * every few seconds (shorter than its ttl).
   */
  membership?: RunnerMembership;
  /** Where enabled runs and pauses are kept (see LiveRunnerOptions.persist). */
  persist?: LiveRunnerOptions['persist'];
  onPersistError?: (error: unknown) => void;
  onLateError?: LiveRunnerOptions['onLateError'];
  /** See LiveRunnerOptions.waveBoxMs. */
  waveBoxMs?: number;
  /** See LiveRunnerOptions.dataHealth. */
  dataHealth?: LiveRunnerOptions['dataHealth'];
  onReopen?: LiveRunnerOptions['onReopen'];
  /** Told of every pause (see LiveRunnerOptions.onPause). */
  onPause?: LiveRunnerOptions['onPause'];
  /** Told of each automatic resume of a run paused for CPU (see LiveRunnerOptions.onAutoResume). */
  onAutoResume?: LiveRunnerOptions['onAutoResume'];
  /** Called after each batch of candles was handled (the runs' checkpoints move then). */
  afterCandles?: () => Promise<void>;
  /** A strategy's name (see LiveRunnerOptions.nameOf). */
  nameOf?: LiveRunnerOptions['nameOf'];
  /** Counts orders per minute (see OrderDeskOptions.orderRate). @default this process's count */
  orderRate?: OrderRateLimiter;
  /**
   * Live venues a portfolio may be bound to (venues/): each portfolio's orders then go through the
   * desk of its venue. Without it every portfolio trades on paper.
   */
  venues?: LiveHostVenues;
}

/** What routing portfolios to live venues takes besides the host's own parts. */
export type LiveHostVenues = Pick<OpenBinanceDeps, 'bindings' | 'box' | 'config' | 'logger' | 'fetch'> & {
  /** Whether this process follows `portfolioId`'s user-data stream. */
  streamsHere: (portfolioId: string) => boolean;
};

/** What {@link createLiveHost} makes. */
export interface LiveHost {
  runner: LiveRunner;
  /** Every portfolio's orders: paper's desk, or the router to each portfolio's venue. */
  desk: OrderDeskPort;
  /** The router, where live venues are configured. */
  venues?: VenueDesks;
  paper: PaperBroker;
  books: CorePortfolioLedger;
  risk: LedgerRiskView;
  journal: SqlOrderJournal;
  /** Start after the event log and the publisher; stop before them. */
  services: ConsumerRunner[];
  /**
   * The order events' outbox (order-event-outbox.ts): re-sends at start what the log had not
   * acknowledged. Start it with `services`.
   */
  orderOutbox: Service;
  /**
   * The books following every process's fills (books-follower.ts): start `consumer` before
   * `loadBooks()`, so no account opened meanwhile is missed, and `catchUp` after it.
   */
  follower: { consumer: ConsumerRunner; catchUp: Service };
  /** Opens the in-memory books from the portfolio tables; call before starting `services`. */
  loadBooks(): Promise<number>;
  /**
   * Takes over the paper orders and claims whose holder is not among `live` (or is this member,
   * restarted): see order-adoption.ts. Call once the other members have been heard.
   */
  adoptOrphans(live: readonly string[]): Promise<AdoptOrphanOrdersResult>;
}

/** See the module comment. */
export function createLiveHost(deps: LiveHostDeps): LiveHost {
  const books = new CorePortfolioLedger();
  const last = new Map<string, number>();
  const lastPrice = (symbol: string) => last.get(symbol);
  /** The runner, made last: the venue and the desks' events reach it. */
  const late: { runner?: LiveRunner } = {};
  const paper = createPaperBroker({
    fillModel: coreFillModel(deps.settings),
    ledger: books,
    symbols: deps.symbols,
    lastPrice,
    // A person's market order fills at the first price after it was accepted (the next trade or
    // 1 s candle: never a stale close); a strategy's at the next bar's open, as its backtest.
    marketFill: (request) => (request.origin.kind === 'strategy' ? 'next-bar' : 'next-price'),
    fundsAtFill: (request) => request.origin.kind === 'strategy',
    // A run catching up fills its own orders with the stored bars it decides (run-catch-up.ts).
    held: (order) => late.runner?.orderHolds.holds(order) === true,
    ...(deps.closedMarket === undefined ? {} : { closedMarket: deps.closedMarket }),
    now: () => deps.clock.now(),
  });
  // Kill switch and limits are shared through SQL: every process checks the same ones.
  const risk = new LedgerRiskView(books, deps.risk, lastPrice, {
    controls: new SqlRiskControls(deps.sql),
    ...(deps.onPersistError === undefined ? {} : { onWriteError: deps.onPersistError }),
  });
  const journal = new SqlOrderJournal(deps.sql, paper.venue, { holder: deps.member });
  const portfolioSource = createEventSource({ source: 'strategy/portfolio', clock: deps.clock });
  // The order events reach the log through the journal's outbox: stored with the order's snapshot.
  const orderOutbox = createOrderEventOutbox({
    sql: deps.sql,
    publisher: { publish: deps.publish, flush: deps.flush ?? (async () => true) },
    bookedBy: PORTFOLIO_PROJECTION_CONSUMER,
  });
  /**
   * The lifecycle events of `venue`'s orders: stamped for the journal's outbox; once recorded, to
   * the runner and the log. A fill as the portfolio booked it is told by the projection below.
   */
  const emitFor = (venue: string): Pick<OrderDeskOptions, 'envelope' | 'emit'> => {
    const orderSource = createEventSource({ source: orderEventSourceName(venue), clock: deps.clock });
    return {
      envelope: (event) => orderEnvelope(orderSource, event),
      emit: (event, envelope) => {
        late.runner!.onOrderEvent(event);
        orderOutbox.send([envelope ?? orderEnvelope(orderSource, event)]);
      },
    };
  };
  // One count per portfolio, whichever venue's desk places its order.
  const orderRate = deps.orderRate ?? new InMemoryOrderRateLimiter();
  const paperDesk = new OrderDesk({
    broker: paper,
    journal,
    portfolios: risk,
    clock: deps.clock,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    orderRate,
    ...emitFor(paper.venue),
  });
  const reconciler = createHostReconciler(deps, journal, books);
  const venues =
    deps.venues === undefined
      ? undefined
      : new VenueDesks({
          paper: paperDesk,
          bindings: deps.venues.bindings,
          streamsHere: deps.venues.streamsHere,
          logger: deps.venues.logger,
          now: () => deps.clock.now(),
          reconcile: { reconciler, paperBroker: paper },
          openBinance: (portfolioId) =>
            openBinancePortfolio(
              {
                ...deps.venues!,
                sql: deps.sql,
                clock: deps.clock,
                holder: deps.member,
                portfolios: risk,
                orderRate,
                emitFor,
                metrics: deps.metrics,
                reconciler,
              },
              portfolioId,
            ),
        });
  const desk: OrderDeskPort = venues ?? paperDesk;
  const runner = (late.runner = new LiveRunner({
    desk,
    paper,
    books,
    risk,
    ...(deps.open === undefined ? {} : { open: deps.open }),
    ...(deps.load === undefined ? {} : { load: deps.load }),
    ...(deps.cpuMsPerCandle === undefined ? {} : { cpuMsPerCandle: deps.cpuMsPerCandle }),
    ...(deps.warmupCpuMs === undefined ? {} : { warmupCpuMs: deps.warmupCpuMs }),
    history: deps.history,
    orders: journal,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    publish: deps.publish,
    ...(deps.nameOf === undefined ? {} : { nameOf: deps.nameOf }),
    source: createEventSource({ source: 'strategy/live', clock: deps.clock }),
    clock: deps.clock,
    ...(deps.membership !== undefined
      ? { owns: (id: string) => deps.membership!.owns(id) }
      : deps.owns === undefined
        ? {}
        : { owns: deps.owns }),
    ...(deps.persist === undefined ? {} : { persist: deps.persist }),
    ...(deps.onPersistError === undefined ? {} : { onPersistError: deps.onPersistError }),
    ...(deps.onLateError === undefined ? {} : { onLateError: deps.onLateError }),
    ...(deps.waveBoxMs === undefined ? {} : { waveBoxMs: deps.waveBoxMs }),
    ...(deps.dataHealth === undefined ? {} : { dataHealth: deps.dataHealth }),
    ...(deps.onReopen === undefined ? {} : { onReopen: deps.onReopen }),
    ...(deps.onPause === undefined ? {} : { onPause: deps.onPause }),
    ...(deps.onAutoResume === undefined ? {} : { onAutoResume: deps.onAutoResume }),
  }));
  const candles = createConsumerRunner({
    log: deps.eventLog,
    name: `strategy.live.${deps.member}`,
    start: { from: 'latest' },
    // A member gone for good (a replaced pod, the old colour of a release) leaves no durable behind.
    expireAfterMs: MEMBER_DURABLE_EXPIRY_MS,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    handle: async (events) => {
      deps.membership?.observe(events);
      for (const e of events) {
        if (e.type !== 'market.candle.closed') continue;
        const c = e.data as FeedCandle;
        last.set(c.symbol, c.close);
      }
      await runner.handle(events);
      await deps.afterCandles?.();
    },
  });
  // The fill as the portfolio booked it — what its owner is told, and the notify match for fills —
  // written with the booking and published through the order outbox.
  const projection = createPortfolioProjection(deps.sql, PORTFOLIO_PROJECTION_CONSUMER, {
    notice: ({ fill: d, cash, equity }) =>
      portfolioSource.create(PortfolioOrderFilled, {
        subject: d.portfolioId,
        data: {
          portfolioId: d.portfolioId,
          userId: d.portfolioId,
          orderId: d.clientOrderId,
          symbol: d.symbol,
          side: d.side,
          quantity: d.fill.quantity,
          price: d.fill.price,
          fee: d.fill.fee,
          partial: d.partial,
          cash,
          equity,
          at: d.fill.time,
        },
      }),
    store: storeOutboxEvents,
    committed: (notices) => orderOutbox.send(notices),
  });
  const projector = createConsumerRunner({
    log: deps.eventLog,
    name: projection.consumer,
    // Every runner process holds it; the projection claims each event once in SQL. The books in
    // memory follow the log on a durable of each process's own (the follower below); a lone
    // process, which sees every event here from the start, opens them here too.
    shared: true,
    // Trades and the rest of the log are acknowledged undecoded.
    types: new Set(PORTFOLIO_PROJECTION_EVENTS),
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    handle: async (events, context) => {
      for (const e of events) openFromSnapshot(books, e);
      await projection.handle(events, context);
    },
  });
  const [followerConsumer, catchUp] = createBooksFollower({
    eventLog: deps.eventLog,
    sql: deps.sql,
    books,
    member: deps.member,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
  });
  const loadBooks = async (): Promise<number> => {
    const { rows } = await deps.sql.query<{ portfolio_id: string }>('select portfolio_id from portfolios');
    await deps.sql.transaction(async (tx) => {
      for (const r of rows) await loadPortfolio(tx, books, r.portfolio_id);
      // Fills the journal recorded that the projection has not booked (a process killed before the
      // log had them): the rows lack them until the outbox's re-send is projected. After the
      // portfolios' locks, so each is counted once (see unbookedFills).
      for (const fill of await unbookedFills(tx, PORTFOLIO_PROJECTION_CONSUMER)) {
        if (books.has(fill.data.portfolioId)) books.applyFill(fill.data);
      }
    });
    await seedLastPrices();
    return rows.length;
  };
  /**
   * The last stored close of each symbol, until a live candle says otherwise: a person's market
   * order placed in the first seconds after a restart was refused "no price yet" (its funds are
   * checked at the last price; it fills at the next one), and the risk check valued positions at
   * nothing. The finest stored interval first.
   */
  const seedLastPrices = async (): Promise<void> => {
    const now = deps.clock.now();
    await Promise.all(
      [...deps.symbols].map(async (symbol) => {
        for (const interval of ['1s', '1m']) {
          const [candle] = await deps.history(symbol, interval, 1, now);
          if (candle === undefined) continue;
          if (!last.has(symbol)) last.set(symbol, candle.close);
          return;
        }
      }),
    );
  };
  const adoptOrphans = (live: readonly string[]) =>
    adoptOrphanOrders({ journal, paper, desk, member: deps.member }, live);
  return {
    runner,
    desk,
    ...(venues === undefined ? {} : { venues }),
    paper,
    books,
    risk,
    journal,
    services: [candles, projector],
    orderOutbox,
    follower: { consumer: followerConsumer, catchUp },
    loadBooks,
    adoptOrphans,
  };
}
