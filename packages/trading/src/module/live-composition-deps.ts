/** @module What `composeLive` takes, apart so live-composition.ts reads as start-up, not as its inputs. */
import type { EventLog, Publisher, RequestReply } from '@tickline/eventlog';
import type { IdentityService, SharedRedis, Tier } from '@tickline/identity';
import type { Clock, Logger, Registry } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type {
  BacktestRunner,
  OpenSession,
  ReplayMeter,
  SandboxLimits,
  StrategyRepository,
} from '@tickline/strategy';
import type { VenueSettings } from '../venues/venue-composition.ts';
import type { LiveSettings } from './trading-settings.ts';

/** What `composeLive` (live-composition.ts) takes. */
export interface LiveCompositionDeps {
  settings: LiveSettings;
  /** The promotion gate (research-jobs/promotion-gate-service.ts): throws when a version may not go live. */
  promotionGate?: (
    userId: string,
    tier: Tier,
    strategyId: string,
    version: number,
    feeds: ReadonlyArray<{ symbol: string; interval: string }>,
  ) => Promise<void>;
  eventLog: EventLog;
  publisher: Pick<Publisher, 'publish' | 'flush'>;
  sql: Sql;
  clock: Clock;
  logger: Logger;
  metrics: Registry;
  repository: StrategyRepository;
  identity: IdentityService;
  /** Tradable symbols (market's configured symbols). */
  symbols: ReadonlySet<string>;
  /** The default member name's suffix (the HTTP port), when `live.member` is not set. */
  port?: number;
  /** The log admits one process (embedded): see `defaultMemberName` (live/member-name.ts). */
  soleProcess?: boolean;
  /** Request/reply between processes: operators list and pause this process's runs over it. */
  rpc?: RequestReply | undefined;
  /**
   * The process's Redis (scaled mode): every process counts a portfolio's orders per minute in one
   * window there. Without it, processes that share the log count in PostgreSQL
   * (`order_rate_windows`); a sole process (embedded) counts in its memory.
   */
  redis?: SharedRedis | undefined;
  /**
   * Opens a run's strategy. @default a sandbox session of the stored version (its compiled code),
   * with the owner's tier limits — tests may hand trusted sessions instead.
   */
  open?: OpenSession;
  /**
   * Runs a backtest in the server's sandbox processes, with a tier's backtest limits: the parity
   * report's replay. Without it there is no parity route.
   */
  replay?: { run: BacktestRunner; limits: (tier: Tier) => SandboxLimits; meter?: ReplayMeter };
  /** Live venues a portfolio may be bound to; without them every portfolio trades on paper. */
  venues?: VenueSettings;
}
