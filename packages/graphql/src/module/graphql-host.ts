/**
 * @module GraphQL on a running process: binds the schema's ports to the hosts of the domains that
 * run here — identity always; market, strategy, trading, notify, platform and realtime where the
 * role runs them — through the very services, repositories and actions REST's routes call. A
 * domain this role forwards to another (strategy, trading and notify on a gateway) is reached on
 * its owner per call over request/reply; a role that owns such a domain answers those calls
 * (docs/architecture.md, "GraphQL through a gateway").
 */
import { principalOf, type IdentityHost } from '@tickline/identity';
import type { RequestReply } from '@tickline/eventlog';
import type { ModuleBaseDeps, ModuleHost, Service } from '@tickline/kernel';
import { createMarketReads, type MarketHost } from '@tickline/market';
import type { NotifyHost } from '@tickline/notify';
import type { PlatformHost } from '@tickline/platform';
import type { RealtimeHost } from '@tickline/realtime';
import { createStrategyActions, type StrategyHost } from '@tickline/strategy';
import { createLiveActions, type TradingHost } from '@tickline/trading';
import type { GraphqlSettings } from '../config.ts';
import type { ForwardedDomain } from '../forwarding/forwarded-port-spec.ts';
import { createForwardedPorts } from '../forwarding/forwarded-ports.ts';
import { portResponderService } from '../forwarding/port-responder.ts';
import type { GraphqlServices, TickerView } from '../schema/services.ts';

export interface GraphqlHostDeps extends ModuleBaseDeps<GraphqlSettings> {
  identity: IdentityHost;
  market?: MarketHost | undefined;
  strategy?: StrategyHost | undefined;
  trading?: TradingHost | undefined;
  notify?: NotifyHost | undefined;
  platform?: PlatformHost | undefined;
  realtime?: RealtimeHost | undefined;
  /** Request/reply between processes, where several run (forwarded ports go over it). */
  rpc?: RequestReply | undefined;
  /**
   * The role table's forwarding for this process: the role owning each domain it forwards, and
   * the domains it owns that gateways forward to it.
   */
  forwarding?:
    | {
        readonly owners: Readonly<Partial<Record<string, string>>>;
        readonly answers: readonly string[];
      }
    | undefined;
  /** Realtime's section: the subscriptions keep its ping period and slow-consumer bound. */
  config?: {
    readonly realtime?: {
      readonly pingIntervalMs: number;
      readonly slowConsumer: { readonly maxBufferedBytes: number };
    };
  };
}

export interface GraphqlHost extends ModuleHost {
  readonly settings: GraphqlSettings;
  /** The schema's ports, bound to this process's hosts. */
  readonly ports: GraphqlServices;
  /** Period of the graphql-ws pings (`realtime.pingIntervalMs`), where subscriptions are served. */
  readonly pingIntervalMs: number | undefined;
}

/** Realtime's defaults where its section is not handed over (tests). */
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

function marketPort(market: MarketHost): GraphqlServices['market'] {
  const reads = createMarketReads(market.view, market.symbols);
  return {
    markets: () => reads.markets(),
    async ticker(symbol) {
      const { last, stats24h } = await reads.ticker(symbol);
      return { symbol, last: last && { ...last }, stats24h: stats24h && { ...stats24h } };
    },
    // The latest-value store; on a scaled gateway, the delivery log's newest ticker for the rest.
    async tickers(symbols) {
      const wanted = new Set(symbols);
      const found = new Map<string, TickerView>();
      for (const ticker of await market.view.tickers([...wanted]))
        if (wanted.has(ticker.symbol))
          found.set(ticker.symbol, {
            symbol: ticker.symbol,
            last: { ...ticker.lastTrade },
            stats24h: ticker.stats24h ? { ...ticker.stats24h } : null,
          });
      return found;
    },
    candles: (symbol, query) => reads.candles(symbol, query),
    indicator: (symbol, query) => reads.indicator(symbol, query),
  };
}

function strategyPort(strategy: StrategyHost): GraphqlServices['strategies'] {
  return {
    repository: strategy.repository,
    actions: createStrategyActions(strategy),
    cancelBacktest: (userId, id) => strategy.queue.cancel(userId, id),
    research: strategy.research,
  };
}

/** The owners of the domains this process forwards and does not run itself. */
function forwardedOwners(deps: GraphqlHostDeps): Partial<Record<ForwardedDomain, string>> {
  const owners: Partial<Record<ForwardedDomain, string>> = {};
  for (const domain of ['strategy', 'trading', 'notify'] as const) {
    const owner = deps.forwarding?.owners[domain];
    if (owner !== undefined && deps[domain] === undefined) owners[domain] = owner;
  }
  return owners;
}

function forwardedPorts(rpc: RequestReply, owners: Partial<Record<ForwardedDomain, string>>) {
  return Object.keys(owners).length === 0 ? undefined : createForwardedPorts({ rpc, owners });
}

export function createGraphqlHost(deps: GraphqlHostDeps): GraphqlHost {
  const { identity, market, strategy, trading, notify, platform, realtime, rpc } = deps;
  const live = trading?.live?.routeOptions;
  const realtimeSettings = deps.config?.realtime;
  const ports: GraphqlServices = {
    auth: identity.auth,
    apiKeys: (request) => identity.identity.listApiKeys(principalOf(request)),
    market: market && marketPort(market),
    strategies: strategy && strategyPort(strategy),
    trading: live && {
      authenticate: (request, scope) => live.authenticate(request, scope),
      portfoliosOf: (userId) => live.portfoliosOf(userId),
      actions: createLiveActions(live),
    },
    notifications: notify?.api,
    operations: platform?.operations,
    live: realtime && {
      hub: realtime.hub,
      gateway: realtime.gateway,
      maxBufferedBytes: realtimeSettings?.slowConsumer.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    },
    forwarded: rpc && forwardedPorts(rpc, forwardedOwners(deps)),
  };
  // Where gateways forward a domain to this role, its ports answer their calls.
  const answers = new Set(deps.forwarding?.answers ?? []);
  const owned = {
    strategies: answers.has('strategy') ? ports.strategies : undefined,
    trading: answers.has('trading') ? ports.trading : undefined,
    notifications: answers.has('notify') ? ports.notifications : undefined,
  };
  const services: Service[] =
    rpc && deps.settings.enabled && Object.values(owned).some((port) => port !== undefined)
      ? [portResponderService(rpc, owned)]
      : [];
  return {
    services,
    settings: deps.settings,
    ports,
    pingIntervalMs: realtime ? realtimeSettings?.pingIntervalMs : undefined,
  };
}
