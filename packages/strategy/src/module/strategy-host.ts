/**
 * @module The strategy host: the repository over SQL with the code cipher from config, the
 * backtest queue, and what the routes need (identity for authentication, per-tier limits).
 */
import type { Publisher } from '@tickline/eventlog';
import type { IdentityService } from '@tickline/identity';
import type { Clock, ModuleBaseDeps, ModuleHost } from '@tickline/kernel';
import type { Sql, SqlQueryable } from '@tickline/store';
import type { HistoryVenueAccounts } from '@tickline/market';
import { createCodeCipher } from '../versions/code-cipher.ts';
import { createResealService } from '../versions/reseal-service.ts';
import { StrategyRepository } from '../versions/strategy-repository.ts';
import { BacktestQueue } from './backtest-queue.ts';
import { StrategyProcesses } from '../sandbox/strategy-processes.ts';
import { ResearchQueue } from '../research-jobs/research-queue.ts';
import { ResearchRepository } from '../research-jobs/research-repository.ts';
import { PromotionGate } from '../research-jobs/promotion-gate-service.ts';
import { CandleUploads } from '../history/candle-uploads.ts';
import { HistoryDownloads } from '../history/history-downloads.ts';
import { shippedHistoryService } from '../history/shipped-history.ts';
import { DEV_CODE_KEY, DEV_CODE_KEY_ID, type StrategySettings } from './strategy-settings.ts';

/** Started objects the host needs besides the base deps. */
export interface StrategyHostDeps {
  sql: Sql;
  /** Candle history for backtests: the read replica when configured. @default `sql` */
  reads?: SqlQueryable | undefined;
  publisher: Pick<Publisher, 'publish'>;
  identity: IdentityService;
  /** The embedded database (no `database.url`): the shipped venue history is imported there. */
  embedded?: boolean | undefined;
  /**
   * A tier's live CPU budget per candle, ms (`trading.live.tiers.*.cpuMsPerCandle`): the gate's
   * verdict then shows the version's CPU forecast against it. Absent: no forecast shown.
   */
  liveCpuBudgetMs?: ((tier: string) => number | undefined) | undefined;
  /** The share venues' accounts for history downloads (market.sources' alpaca and kis). */
  historyAccounts?: HistoryVenueAccounts | undefined;
}

export interface StrategyHost extends ModuleHost {
  readonly settings: StrategySettings;
  readonly sql: Sql;
  /** Candle history (symbol checks, backtest feeds): the read replica when configured, else `sql`. */
  readonly reads: SqlQueryable;
  readonly repository: StrategyRepository;
  readonly queue: BacktestQueue;
  readonly research: ResearchRepository;
  readonly researchQueue: ResearchQueue;
  readonly gate: PromotionGate;
  /** Kline CSV uploads: history in while the server runs. */
  readonly uploads: CandleUploads;
  /** Venue history downloads: any user's, stored once for all. */
  readonly downloads: HistoryDownloads;
  /** Sandbox processes: every compile, backtest and research trial of users' code runs there. */
  readonly processes: StrategyProcesses;
  readonly identity: IdentityService;
  readonly clock: Clock;
}

export function createStrategyHost(deps: StrategyHostDeps & ModuleBaseDeps<StrategySettings>): StrategyHost {
  const { settings, logger } = deps;
  const cipher = createCodeCipher({ keys: settings.codeKeys, currentKeyId: settings.currentKeyId });
  if (
    settings.codeKeys[settings.currentKeyId] === DEV_CODE_KEY &&
    settings.currentKeyId === DEV_CODE_KEY_ID
  ) {
    logger.warn(
      { keyId: DEV_CODE_KEY_ID },
      'strategy code is encrypted with the built-in development key; set strategy.codeKeys and strategy.currentKeyId',
    );
  }
  const repository = new StrategyRepository(deps.sql, cipher);
  const reads = deps.reads ?? deps.sql;
  const processes = new StrategyProcesses({
    backtestProcesses: settings.workers,
    feedCacheMb: settings.feedCacheMb,
    compileGate: settings.compile,
    logger: logger.child({ component: 'strategy-sandbox' }),
    metrics: deps.metrics,
  });
  const run = processes.run.bind(processes);
  const queue = new BacktestQueue({
    sql: deps.sql,
    history: reads,
    repository,
    publisher: deps.publisher,
    clock: deps.clock,
    logger: logger.child({ component: 'backtest-queue' }),
    workers: settings.workers,
    progressIntervalMs: settings.progressIntervalMs,
    output: settings.output,
    run,
    metrics: deps.metrics,
  });
  const research = new ResearchRepository(deps.sql);
  const researchQueue = new ResearchQueue({
    research,
    strategies: repository,
    trials: deps.sql,
    history: reads,
    clock: deps.clock,
    logger: logger.child({ component: 'research-queue' }),
    workers: settings.workers,
    maxActiveJobs: settings.research.maxActiveJobs,
    trialConcurrency: settings.workers,
    progressIntervalMs: settings.progressIntervalMs,
    output: settings.output,
    run,
    runTrials: processes.runTrials.bind(processes),
    publisher: deps.publisher,
  });
  const gate = new PromotionGate({
    sql: deps.sql,
    research,
    thresholds: settings.gate,
    clock: deps.clock,
    logger: logger.child({ component: 'promotion-gate' }),
    ...(deps.liveCpuBudgetMs === undefined ? {} : { forecast: { runs: repository, budgetMs: deps.liveCpuBudgetMs } }),
  });
  const downloads = new HistoryDownloads({
    sql: deps.sql,
    clock: deps.clock,
    logger: logger.child({ component: 'history-downloads' }),
    publish: (event) => deps.publisher.publish(event),
    settings: settings.history.download,
    ...(deps.historyAccounts ? { accounts: deps.historyAccounts } : {}),
  });
  return {
    // The processes start first and stop last: the queues hand them work.
    services: [
      processes,
      queue,
      researchQueue,
      createResealService(repository),
      downloads,
      shippedHistoryService(
        deps.sql,
        logger.child({ component: 'shipped-history' }),
        deps.embedded === true && settings.history.importShipped,
      ),
    ],
    settings,
    sql: deps.sql,
    reads,
    repository,
    queue,
    research,
    researchQueue,
    gate,
    uploads: new CandleUploads(deps.sql, (event) => deps.publisher.publish(event)),
    downloads,
    processes,
    identity: deps.identity,
    clock: deps.clock,
  };
}
