/**
 * @module The shapes around a live runner: what a run is enabled with, the candles it is fed, where
 * its warm-up history comes from, its status for the API, and the runner's options.
 */
import type { Clock, EventEnvelope, EventSource, Registry } from '@tickline/kernel';
import type { OrderDeskPort } from '../broker/order-desk.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { PaperBroker } from '../broker/paper/paper-ports.ts';
import type {
  EngineSettings,
  LiveCandle,
  LiveFeed,
  OpenSession,
  StrategyDefinition,
} from '@tickline/strategy';
import type { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import type { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import type { ParityCheck } from '../parity/parity-report.ts';
import type { AutoResumeOutcome, Schedule } from './cpu-resume.ts';
import type { DataHealthSettings, FeedHealth } from './data-health.ts';
import type { StrategySignalData } from './live-events.ts';

/** A strategy version enabled live with its parameters on its feeds. */
export interface LiveStrategySpec {
  /** The live run's id (one strategy may run once per portfolio). */
  id: string;
  strategyId: string;
  version: number;
  userId: string;
  portfolioId: string;
  params: Record<string, unknown>;
  feeds: LiveFeed[];
  settings: EngineSettings;
  /** Candles of history shown before acting (indicator warm-up). */
  warmupBars: number;
  /**
   * When this version of the run was enabled (epoch ms): its orders on candles from then on are
   * its own, and a run started after a restart rebuilds its books from them (see `orders`).
   */
  ordersSince?: number;
}

/** A closed candle of one feed. */
export interface FeedCandle extends LiveCandle {
  symbol: string;
  interval: string;
}

/** Where warm-up history comes from (the market's stored candles). */
export type CandleHistory = (
  symbol: string,
  interval: string,
  count: number,
  before: number,
) => Promise<LiveCandle[]>;

/** Status of a run, for the API. */
export interface LiveRunStatus {
  id: string;
  strategyId: string;
  /** The strategy's name, looked up at enable. */
  strategyName?: string;
  version: number;
  userId: string;
  portfolioId: string;
  state: 'running' | 'paused';
  pause?: { code: string; reason: string; at: number; resumesAt?: number };
  candles: number;
  signals: number;
  /** Close time of the last candle claimed: being decided, or decided. */
  lastCandleTime?: number;
  /**
   * Close time of the last candle whose decision is complete here — answered, and its orders
   * handed to the desk. Parity replays up to it: a check between a claim and its orders would
   * call the run apart from its replay for the order it is still placing.
   */
  settledCandleTime?: number;
  lastSignals: StrategySignalData[];
  /** The last lines the strategy logged; `warmup` on those of its warm-up on stored history. */
  logs: Array<{ time: number; text: string; warmup?: true }>;
  /** CPU time the strategy used since it started here (warm-up included), ms: the operators' view. */
  cpuMs: number;
  /** Failures since it started here (threw, or went over a limit): each one paused it. */
  errors: number;
  lastError?: { code: string; reason: string; at: number };
  /** In stop-entry: orders that open or grow a position are not placed, exits are (run-exit.ts). */
  stopEntry?: boolean;
  /**
   * The run's own open positions (its fills netted per symbol, negative when short): what a force
   * exit closes. Absent or empty while flat.
   */
  positions?: Array<{ symbol: string; quantity: number }>;
  /** Its latest parity check (parity-monitor.ts): absent before the first. */
  parity?: ParityCheck;
  /**
   * Set while a feed it reads is unhealthy (data-health.ts): its entries are refused, its exits
   * go on, and its strategy reads `ctx.dataHealthy === false`. Absent while every feed is healthy.
   */
  dataHealth?: { healthy: false; feeds: FeedHealth[] };
}

/** Options for {@link LiveRunner}. */
export interface LiveRunnerOptions {
  desk: OrderDeskPort;
  /**
   * The paper venue, fed every closed candle (each fills the orders of its interval); absent for
   * live venues (they fill themselves).
   */
  paper?: PaperBroker;
  books: CorePortfolioLedger;
  risk: LedgerRiskView;
  /**
   * Opens a run's strategy: a session in a sandbox process in a server (sandbox/live-processes.ts), the
   * same engine a backtest runs there.
   */
  open?: OpenSession;
  /** Trusted definitions run on this thread instead (tests only); ignored when `open` is given. */
  load?: (strategyId: string, version: number, userId: string) => Promise<StrategyDefinition>;
  history: CandleHistory;
  /**
   * The order journal: a run that starts again after a restart or a takeover (a `resumeAfter` with
   * nothing carried over) gets back the executions and working orders of its own past orders, and
   * the kill switch's flatten of its positions (run-flatten.ts).
   */
  orders?: Pick<OrderJournal, 'ofStrategy'> & Partial<Pick<OrderJournal, 'withIdPrefix'>>;
  /** Publishes an event (the eventlog publisher's `publish`). */
  publish: (event: EventEnvelope) => void;
  /** The event source of `strategy.*` events. */
  source: EventSource;
  clock: Clock;
  /**
   * Time budget of one run on one candle, ms, for host sessions (`load`; the sandbox enforces its
   * owner's tier limit on the thread's CPU clock); over it the run is paused. @default no limit
   */
  cpuMsPerCandle?: number;
  /**
   * How long a candle wave waits for its runs' answers before it leaves the late ones behind to
   * catch up, so one process's slow answer never holds the runs of the others (wave-box.ts).
   * @default 2_000
   */
  waveBoxMs?: number;
  /**
   * Longest a wave's orders wait for the other answers of their sandbox process, so that its
   * orders reach the desk in one turn (wave-gather.ts); at most a quarter of `waveBoxMs`; 0 sends
   * each answer's orders as it comes. @default 500
   */
  gatherMs?: number;
  /** Log lines kept per run for status. @default 200 */
  keepLogs?: number;
  /** Signals kept per run for status. @default 20 */
  keepSignals?: number;
  /**
   * Whether this process runs `runId` now (see assignment.ts: rendezvous over the live members).
   * @default every enabled run
   */
  owns?: (runId: string) => boolean;
  /** Called when a run finished a candle (its orders placed): for latency metrics and benchmarks. */
  observe?: (runId: string, candle: FeedCandle) => void;
  /** CPU time the whole warm-up of one run may use (ms). @default 2000 */
  warmupCpuMs?: number;
  /** The strategy's name, looked up once per enable (events carry it for notifications). */
  nameOf?: (userId: string, strategyId: string) => Promise<string | undefined>;
  /**
   * Where enabled runs and pauses are kept (the live store), so every runner process knows them and
   * a pause outlives the process. `enabled` is awaited before the run starts.
   */
  persist?: {
    /** `warmup`: a new run's windows (run-restore.ts); each enable stores its own. */
    enabled(spec: LiveStrategySpec, start?: { warmup?: Array<WarmupWindow | null> }): Promise<void>;
    paused(id: string, pause: { code: string; reason: string; at: number }): Promise<void>;
    /**
     * The owner resumed a paused run: it decides the candles closing after `at`; those after
     * `after` (its last decided candle, when known) up to `at` it was paused for and never decides.
     */
    resumed?(id: string, span: { after?: number; at: number; cancelled?: boolean }): Promise<void>;
    /** The owner stopped a run: it is forgotten everywhere. */
    stopped?(id: string): Promise<void>;
  };
  /** Where the live series of the Strategies dashboard are registered (module/strategy-metrics.ts). */
  metrics?: Registry;
  /** Told when a run reopened after its sandbox process was lost, or could not (`error`). */
  onReopen?: (id: string, outcome: { resumeAfter: number; error?: unknown; retryInMs?: number }) => void;
  /** Logs a failed `persist.paused` (the run stays paused here either way). */
  onPersistError?: (error: unknown) => void;
  /** Logs a late run's answer or catch-up that failed after its wave went on (wave-box.ts). */
  onLateError?: (runId: string | undefined, error: unknown) => void;
  /** Told of every pause as it is announced (run-pause.ts `logPause` logs it). */
  onPause?: (
    spec: LiveStrategySpec,
    pause: { code: string; reason: string; at: number; resumesAt?: number },
  ) => void;
  /** Told how each automatic resume of a run paused for CPU ended (cpu-resume.ts). */
  onAutoResume?: (id: string, outcome: AutoResumeOutcome) => void;
  /** Timers of the automatic resumes (cpu-resume.ts); tests step them. @default setTimeout */
  schedule?: Schedule;
  /**
   * The data-health interlock (data-health.ts): feeds that go stale, gap or jump stop the entries
   * of the runs that read them until they are healthy again. @default off
   */
  dataHealth?: DataHealthSettings;
}

/**
 * The candles a new run warmed up on, of one feed: the close times of the first (none when it
 * warmed up on none: `warmupBars: 0`) and of the last stored candle it read. The run decides every
 * candle after `to` and none before; the parity replay splits warm-up from decisions there
 * (run-restore.ts `warmUpNew`).
 */
export interface WarmupWindow {
  from?: number;
  to: number;
}
