/**
 * @module The trading host: live runs, paper portfolios, the order desk and risk, composed from the
 * process's started log, publisher and database and from the strategy host (stored versions, the
 * promotion gate and the sandbox processes that replay a run for its parity report).
 */
import type { EventLog, Publisher, RequestReply } from '@tickline/eventlog';
import type { IdentityService, SharedRedis } from '@tickline/identity';
import type { ModuleBaseDeps, ModuleHost, SecretBox } from '@tickline/kernel';
import { marketConfig } from '@tickline/market/config';
import type { Sql } from '@tickline/store';
import { assertForecastFits, cpuForecast, createReplayMeter, type StrategyHost } from '@tickline/strategy';
import { venueCredentialBox } from '../venues/credential-box.ts';
import { composeChatControl, type ChatControl } from '../chat/chat-control.ts';
import { composeLive, type LiveComposition } from './live-composition.ts';
import type { TradingSettings } from './trading-settings.ts';

/** Started objects the host needs besides the base deps. */
export interface TradingHostDeps {
  sql: Sql;
  publisher: Pick<Publisher, 'publish' | 'flush'>;
  identity: IdentityService;
  /** The strategy host: stored versions, the promotion gate, the sandbox processes. */
  strategy: StrategyHost;
  /** The main log; live trading runs only with it (and `trading.live.enabled`). */
  eventLog?: EventLog | undefined;
  /** Request/reply between processes: operators reach this process's live runs over it. */
  rpc?: RequestReply | undefined;
  /** The process's Redis (scaled mode): the orders-per-minute count is shared through it. */
  redis?: SharedRedis | undefined;
  /**
   * The keys the composition root derives from `auth.secret`: venue API keys are sealed with
   * `venueCredentialKey`. Without it (or `venueBox`) no portfolio can be bound to a live venue.
   */
  keys?: { venueCredentialKey?: Uint8Array };
  /** The box venue keys are sealed with, instead of one over `keys.venueCredentialKey` (tests). */
  venueBox?: SecretBox;
  /** Test seam: the live venues' HTTP client. @default globalThis.fetch */
  venueFetch?: typeof fetch;
  /** Test seam: the Telegram Bot API's HTTP client. @default globalThis.fetch */
  chatFetch?: typeof fetch;
  /** Other config sections the host reads: market's symbols, the HTTP port (a default member name). */
  config?: {
    market?: { symbols?: readonly string[] };
    http?: { port?: number };
    eventlog?: { engine?: string };
  };
}

export interface TradingHost extends ModuleHost {
  readonly settings: TradingSettings;
  readonly sql: Sql;
  /** Live strategies, paper portfolios and orders; absent without an event log or when disabled. */
  readonly live?: LiveComposition;
  /** Chat control of live runs (links; the Telegram poller with a bot token): where live runs. */
  readonly chat?: ChatControl;
}

export function createTradingHost(deps: TradingHostDeps & ModuleBaseDeps<TradingSettings>): TradingHost {
  const { settings, logger, strategy } = deps;
  // A parity replay strikes at its CPU limit and is metered as one of the owner's backtests.
  const replay = strategy.processes.replay.bind(strategy.processes);
  const key = deps.keys?.venueCredentialKey;
  const box = deps.venueBox ?? (key === undefined ? undefined : venueCredentialBox(key));
  const live =
    deps.eventLog !== undefined && settings.live.enabled
      ? composeLive({
          settings: settings.live,
          eventLog: deps.eventLog,
          publisher: deps.publisher,
          sql: deps.sql,
          clock: deps.clock,
          logger: logger.child({ component: 'live' }),
          metrics: deps.metrics,
          repository: strategy.repository,
          identity: deps.identity,
          symbols: new Set(deps.config?.market?.symbols ?? marketConfig.schema.parse(undefined).symbols),
          ...(deps.config?.http?.port === undefined ? {} : { port: deps.config.http.port }),
          soleProcess: deps.config?.eventlog?.engine === 'embedded',
          rpc: deps.rpc,
          redis: deps.redis,
          promotionGate: async (userId, tier, strategyId, version, feeds) => {
            // The budget forecast first, whether or not the tier needs the gate: a version whose
            // backtest used more CPU per candle than the live budget would only be paused live.
            const budgetMs = settings.live.tiers[tier].cpuMsPerCandle;
            const forecast = await cpuForecast(strategy.repository, userId, strategyId, version, budgetMs);
            assertForecastFits(forecast, strategyId, version);
            await strategy.gate.assertMayGoLive(userId, tier, strategyId, version, feeds);
          },
          replay: {
            run: replay,
            limits: (tier) => strategy.settings.tiers[tier] ?? strategy.settings.tiers.free,
            meter: createReplayMeter(strategy),
          },
          ...(box === undefined
            ? {}
            : {
                venues: {
                  config: settings.venues,
                  box,
                  ...(deps.venueFetch ? { fetch: deps.venueFetch } : {}),
                },
              }),
        })
      : undefined;
  // Chat control acts on live runs: only where they run.
  const chat =
    live === undefined
      ? undefined
      : composeChatControl({
          settings: settings.chat,
          sql: deps.sql,
          live: live.routeOptions,
          clock: deps.clock,
          ...(deps.chatFetch ? { fetch: deps.chatFetch } : {}),
        });
  return {
    services: [...(live?.services ?? []), ...(chat?.services ?? [])],
    ...(live === undefined ? {} : { live }),
    ...(chat === undefined ? {} : { chat }),
    settings,
    sql: deps.sql,
  };
}
