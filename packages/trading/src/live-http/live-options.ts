/**
 * @module What the live-trading routes and actions are built from: the live parts of the process
 * and how a caller is authenticated (the composition root provides them, live-composition.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { ApiKeyScope } from '@tickline/protocol';
import type { LotRules } from '../broker/broker.ts';
import type { OrderDeskPort } from '../broker/order-desk.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { EngineSettings } from '@tickline/strategy';
import type { LiveRunner, LiveRunStatus } from '../live/live-runner.ts';
import type { EquityPoint, EquityWindow } from '../portfolio/equity-history.ts';
import type { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import type { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import type { ParityReport } from '../parity/parity-report.ts';
import type { Order } from '../broker/order.ts';
import type { KillSwitchActor, KillSwitchEngagement } from '../risk/kill-switch.ts';
import type { EnableGateLimits } from './enable-gate.ts';

/** Who is calling (the composition root maps identity's principal onto it). */
export interface LiveCaller {
  userId: string;
  admin: boolean;
}

/** Options of {@link liveRoutes}. */
export interface LiveRoutesOptions {
  runner: LiveRunner;
  desk: OrderDeskPort;
  journal: OrderJournal;
  books: CorePortfolioLedger;
  /** The kill switch and limits every process shares (the order desk's risk view). */
  risk: LedgerRiskView;
  /**
   * The caller, or a thrown 401 (identity's authentication), or a 403 when the credential lacks
   * `scope` — the scope the route declared (`config.scope`).
   */
  authenticate: (request: FastifyRequest, scope: ApiKeyScope) => Promise<LiveCaller>;
  /** The owner of a portfolio (the account's user), undefined when unknown. */
  ownerOf: (portfolioId: string) => Promise<string | undefined>;
  /** Portfolio ids of a user. */
  portfoliosOf: (userId: string) => Promise<string[]>;
  /** True when the user may run this strategy version (theirs, and it exists). */
  versionExists: (userId: string, strategyId: string, version: number) => Promise<boolean>;
  /**
   * The defaults a version declares for its parameters as stored with it (a version saved from a
   * research set carries the set there, over the same code): a run's parameters start from them,
   * so the run, its restore and its parity replay all hold every value. None when absent.
   */
  paramDefaults?: (userId: string, strategyId: string, version: number) => Promise<Record<string, unknown>>;
  /** Enables and resumes admitted per account (enable-gate.ts). @default DEFAULT_ENABLE_GATE */
  enableGate?: Partial<EnableGateLimits>;
  /** Live runs at once the user's tier allows. */
  maxLive: (userId: string) => Promise<number>;
  /**
   * Throws STRATEGY_GATE_REFUSED when the version may not run live on `feeds` yet (the promotion
   * gate: its verdict is per version and feed). Not asked for an admin's own runs.
   */
  promotionGate?: (
    userId: string,
    strategyId: string,
    version: number,
    feeds: ReadonlyArray<{ symbol: string; interval: string }>,
  ) => Promise<void>;
  /** Engine settings of live runs (fees and slippage of the paper venue). */
  settings: (userId: string) => EngineSettings;
  /** Tradable symbols. */
  symbols: ReadonlySet<string>;
  /**
   * A portfolio's equity history, oldest first (the projection's `portfolio_equity`); without it
   * the history is empty (an embedded test app with no SQL read model).
   */
  equityHistory?: (portfolioId: string, window: EquityWindow) => Promise<EquityPoint[]>;
  /**
   * Runs as every runner process sees them (the live store): listed, read and controlled whichever
   * process runs them. Without it (one process, tests) the local runner answers alone.
   */
  shared?: SharedLiveRuns;
  /**
   * Applies an engaged kill switch in every strategy process — each pauses its runs of the
   * portfolio and cancels the working orders it holds — and returns how many it cancelled. Without
   * it (one process, tests) this process's runner alone.
   */
  killSwitchEverywhere?: (
    portfolioId: string,
    actor: KillSwitchActor,
    engagement: KillSwitchEngagement,
  ) => Promise<number>;
  /**
   * The lot filters of `symbol` at the venue `portfolioId` trades at (a flatten's close is rounded
   * down to them, halt/close-lot.ts). Without it (paper only) closes are sent whole.
   */
  lotRules?: (portfolioId: string, symbol: string) => Promise<LotRules | undefined>;
  /** Cancels an order another strategy process holds (a paper order lives where it was placed). */
  cancelElsewhere?: (
    ref: { portfolioId: string; clientOrderId: string; symbol: string },
    reason: string,
  ) => Promise<Order | undefined>;
  /**
   * The run's parity report: its candles replayed through the backtest engine with `version` (the
   * run's own by default) beside its journaled decisions (parity/parity-service.ts).
   */
  parity?: (run: LiveRunStatus, version?: number) => Promise<ParityReport>;
}

/** The enabled runs in shared state (see `LiveRoutesOptions.shared`). */
export interface SharedLiveRuns {
  /** A user's runs, with the local runner's counters where this process runs them. */
  list(userId: string): Promise<LiveRunStatus[]>;
  get(id: string): Promise<LiveRunStatus | undefined>;
  /** Pauses a run another process runs (it stops at that process's next sync). */
  pause(id: string, code: string, reason: string): Promise<LiveRunStatus | undefined>;
  /** Resumes a run another process runs, from the next candle (paused candles are not replayed). */
  resume(id: string): Promise<LiveRunStatus | undefined>;
  /** Forgets a run everywhere. */
  stop(id: string): Promise<void>;
}
