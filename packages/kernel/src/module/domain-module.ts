/**
 * @module The domain-module contract: what a domain package (identity, realtime, market, game,
 * platform, strategy, notify) exports from its entry point so that the composition root
 * (`server`) composes it with one line — its config section with its own defaults, its
 * migrations, a host built from real, started objects, its HTTP routes and its channel delivery.
 *
 * The kernel knows neither Fastify, SQL nor the event log, so the shape is generic: each domain
 * names its own dependencies (`TDeps`, e.g. `{ sql: Sql; publisher: Publisher }`) and its routes
 * type (a Fastify `FastifyPluginAsync`, imported as a type only).
 */
import type { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { EventEnvelope } from '../events/envelope.ts';
import type { EventDefinition } from '../events/registry.ts';
import type { ErrorCatalogue } from '../errors/catalogue.ts';
import type { Service } from '../lifecycle/service.ts';
import type { Logger } from '../logging/logger.ts';
import type { Registry } from '../metrics/metrics.ts';

/**
 * A domain's section of the Tickline config: `key` is its place in the file (`market:`) and the
 * prefix of its environment variables (`TICKLINE_MARKET_*`).
 */
export interface ModuleConfigSection<TKey extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly key: TKey;
  /**
   * The section with its own defaults and descriptions: `schema.parse(undefined)` yields a whole
   * section, so the composition root copies no default (use `.prefault({})` on the object).
   */
  readonly schema: TSchema;
}

/** What every host receives, whatever its domain. */
export interface ModuleBaseDeps<TSettings> {
  /** The module's parsed, frozen config section. */
  readonly settings: TSettings;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly clock: Clock;
}

/**
 * What `createHost` returns: the services to start, in order, right after it (each is registered
 * for stop in reverse), plus whatever the domain hands to later modules and to its routes
 * (`identity`, `hub`, `view`, …) as extra fields of the concrete host type.
 */
export interface ModuleHost {
  readonly services: readonly Service[];
  /**
   * Origins other than the dashboard's own that its pages connect to for this domain — game zones
   * served by other processes: the Content-Security-Policy's `connect-src` names them, read anew
   * for each response (zones move).
   */
  connectSources?(): readonly string[];
}

/** One message on a realtime channel. */
export interface ChannelMessage {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/** Where deliveries publish: the realtime hub, seen from a domain that may not import realtime. */
export interface ChannelSink {
  publish(channel: string, message: ChannelMessage): void;
  /** Subscribers of `channel` on this process (feeds compute nothing while nobody watches). */
  subscriberCount(channel: string): number;
}

/** A domain's channel delivery bound to one process's sink. */
export interface ChannelDeliveryHandler {
  deliver(events: readonly EventEnvelope[], logger: Logger): void | Promise<void>;
  /** Timers of the delivery (a throttled ticker), started with it and stopped before it. */
  readonly services?: readonly Service[];
}

/** Who asks to subscribe, as a domain's channel rule sees them (realtime's stream principal). */
export interface ChannelSubscriber {
  readonly userId: string;
  readonly role: 'admin' | 'user';
  /** An API key's scopes when the stream was opened with its ticket; absent for a signed-in user. */
  readonly scopes?: readonly string[];
}

/**
 * Who may subscribe to a domain's own channels (`strategy:{id}:signals`): realtime cannot know who
 * owns a strategy, so the domain that delivers on the channel says. Registered with the gateway
 * where the delivery runs; a channel no rule names stays refused.
 */
export interface ChannelAccessRule {
  /** A channel pattern (`strategy:{id}:signals`); captures arrive in `params`. */
  readonly pattern: string;
  allow(subscriber: ChannelSubscriber, params: Readonly<Record<string, string>>): boolean | Promise<boolean>;
}

/**
 * Which of a domain's events go to which realtime channel. The composition root runs one consumer
 * named `name` on processes that hold a hub, handing it only `eventTypes`.
 */
export interface ChannelDelivery {
  /** Durable consumer name (kept stable: renaming it replays or skips history). */
  readonly name: string;
  readonly eventTypes: readonly string[];
  create(sink: ChannelSink): ChannelDeliveryHandler;
  /** Who may subscribe to channels only this domain delivers on; absent: realtime's rules alone. */
  readonly rules?: readonly ChannelAccessRule[];
}

/**
 * A domain module.
 *
 * @typeParam TKey - the config section key
 * @typeParam TSchema - the config section schema
 * @typeParam TDeps - what the host needs: {@link ModuleBaseDeps} plus started objects
 *   (`eventLog`, `publisher`, `sql`, `hub`, `redis`, other modules' hosts), never getters
 * @typeParam THost - what the host hands on
 * @typeParam TRoutes - the routes plugin type (Fastify's `FastifyPluginAsync`)
 * @example
 * export const marketModule = defineModule({
 *   name: 'market',
 *   config: { key: 'market', schema: MarketSettingsSchema },
 *   migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
 *   after: ['identity', 'realtime'],
 *   createHost: (deps: MarketHostDeps) => createMarketHost(deps), // MarketHostDeps extends ModuleBaseDeps<MarketSettings>
 *   routes: (host) => marketRoutes(host),
 *   channels: (host) => marketDelivery(host),
 * });
 */
export interface DomainModule<
  TKey extends string = string,
  TSchema extends z.ZodType = z.ZodType,
  TDeps = unknown,
  THost extends ModuleHost = ModuleHost,
  TRoutes = unknown,
> {
  /** Also the step name in start-up errors and logs. */
  readonly name: string;
  /** Absent for a module without settings (its host then gets `settings: undefined`). */
  readonly config?: ModuleConfigSection<TKey, TSchema>;
  /**
   * Absolute path of the module's `migrations/` folder (`NNNN_name.sql`; versions are unique
   * across all modules and never renumbered), or undefined when it owns no tables.
   */
  readonly migrations: string | undefined;
  /** Modules whose hosts start before this one (their hosts arrive in `deps`). */
  readonly after: readonly string[];
  /**
   * Builds the host from started objects; may do I/O (load keys, check tables). `TDeps` extends
   * {@link ModuleBaseDeps} of the module's settings (`z.output` of its schema).
   */
  createHost(deps: TDeps): THost | Promise<THost>;
  /**
   * The HTTP routes, an encapsulated plugin mounted under `/api/v1` (rate limited, `no-store`),
   * schemas inline. The role table says on which roles they are served; undefined: none here.
   */
  readonly routes?: (host: THost) => TRoutes | undefined;
  /**
   * Long-lived connections mounted at the root of the HTTP server on every role that runs the
   * module, outside `/api/v1`'s per-request limits: SSE and WebSocket endpoints, socket transports
   * attached to the server (`app.server`).
   */
  readonly sockets?: (host: THost) => TRoutes | undefined;
  /** The domain's channel delivery, on processes that hold a realtime hub; undefined: none here. */
  readonly channels?: (host: THost) => ChannelDelivery | undefined;
  /**
   * URLs of modules exporting `packedCodecs`, for a publisher that runs in a worker thread
   * (`publisher.thread: worker`): the domain's hot producers write fields, not events, and the
   * worker loads these to build and encode the events there. Undefined: none.
   */
  readonly packedCodecs?: readonly string[];
  /**
   * The events the domain publishes. The composition root registers every module's events on
   * every process, whatever its role: a consumer may read another domain's events from the log,
   * and a type missing from the registry would be dead-lettered.
   */
  readonly events?: readonly EventDefinition<any>[];
  /**
   * The domain's error catalogues (the values its `defineErrorCodes` calls return), from which
   * `docs/errors.md` is generated.
   */
  readonly errors?: readonly ErrorCatalogue[];
}

/** Returns `module` as is: it only makes TypeScript infer the module's type parameters. */
export function defineModule<
  TKey extends string,
  TSchema extends z.ZodType,
  TDeps,
  THost extends ModuleHost,
  TRoutes = unknown,
>(
  module: DomainModule<TKey, TSchema, TDeps, THost, TRoutes>,
): DomainModule<TKey, TSchema, TDeps, THost, TRoutes> {
  return module;
}
