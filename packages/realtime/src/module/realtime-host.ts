/**
 * @module Real-time delivery as a host of the process: the hub (channels with resume history),
 * the SSE/WebSocket gateway authenticating by stream ticket or session cookie, and — where several
 * gateways share one log (NATS) — the event-log bridge to the delivery log of their own, from which
 * this gateway takes only the channels its clients subscribe to (the gateway awaits the channel's
 * interest before subscribing a client).
 */
import { hasKeyInterest, type EventLog } from '@tickline/eventlog';
import {
  ServiceStatus,
  type ChannelAccessRule,
  type ChannelMessage,
  type ModuleBaseDeps,
  type ModuleHost,
  type RequestAuth,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { FastifyRequest } from 'fastify';
import { createStreamTicketIssuer, type StreamTicketIssuer } from '../auth/stream-ticket.ts';
import { createEventLogBridge, type EventLogBridge } from '../bridge/event-log-bridge.ts';
import { type ChannelRule, createChannelAuthorizer, createEventFilter } from '../channels/channel-rules.ts';
import type { RealtimeSettings } from '../config.ts';
import { createRealtimeGateway, type RealtimeGateway } from '../gateway/gateway.ts';
import { createHub, type Hub } from '../hub/hub.ts';
import type { ConnectionCounter } from '../limits/connection-counter.ts';
import {
  createStreamAuthenticator,
  STREAM_CHANNEL_RULES,
  type StreamPrincipal,
  type VerifyAccessToken,
} from './stream-auth.ts';

/** What {@link createRealtimeHost} is built from. */
export interface RealtimeHostDeps extends ModuleBaseDeps<RealtimeSettings> {
  /** Identity's host: the session cookie is checked as an access token; the ticket route authenticates. */
  identity: {
    verifyAccessToken: VerifyAccessToken;
    auth: RequestAuth<FastifyRequest>;
    /** False once the user's sessions were revoked after `version`: the stream is refused or closed. */
    isSessionCurrent(userId: string, version: number, apiKeyId?: string): Promise<boolean>;
  };
  /** The process's stream-ticket key (derived from `auth.secret`). */
  keys: { streamTicketSecret: Uint8Array };
  /** The sections of other domains this one reads. */
  config: { readonly auth: { readonly streamTicketTtlMs: number } };
  /**
   * Opens the fan-out log between gateways (NATS only) with this process's node id; undefined
   * where one process holds every subscriber.
   */
  fanout?: { open(): Promise<EventLog>; nodeId: string } | undefined;
  /** Counts each user's streams across gateways (Redis); absent: this gateway counts in memory. */
  streamConnections?: ConnectionCounter | undefined;
}

/** Realtime on a running process. */
export interface RealtimeHost extends ModuleHost {
  readonly hub: Hub;
  readonly gateway: RealtimeGateway<StreamPrincipal>;
  readonly tickets: StreamTicketIssuer;
  readonly ticketTtlMs: number;
  readonly auth: RequestAuth<FastifyRequest>;
  /**
   * Adds a later domain's rules for its own channels (`strategy:{id}:signals`), after realtime's
   * own: the composition root registers those of each channel delivery it runs here.
   */
  addChannelRules(rules: readonly ChannelAccessRule[]): void;
  /**
   * The newest message of a channel on the delivery log, where gateways take only the channels
   * their clients want (a gateway's market routes read tickers this way); undefined on one process.
   */
  readonly liveState: { latest(channel: string): Promise<ChannelMessage | undefined> } | undefined;
}

export async function createRealtimeHost(deps: RealtimeHostDeps): Promise<RealtimeHost> {
  const { settings, logger, metrics } = deps;
  const hub = createHub({
    history: { maxEvents: settings.history.maxEvents, maxAgeMs: settings.history.maxAgeMs },
    logger,
  });
  const ticketTtlMs = deps.config.auth.streamTicketTtlMs;
  const tickets = createStreamTicketIssuer({ secret: deps.keys.streamTicketSecret, ttlMs: ticketTtlMs });
  // Realtime's rules first; a domain's rules (added as its delivery starts) only name its channels.
  const rules: ChannelRule<StreamPrincipal>[] = [...STREAM_CHANNEL_RULES];
  const scopesOf = (principal: StreamPrincipal) => principal.scopes;
  const byRules = () => createChannelAuthorizer(rules, { scopesOf });
  let authorize = byRules();
  // The events of `user:{id}` follow the scopes of the data they carry (USER_EVENT_SCOPES).
  let receives = createEventFilter(rules, { scopesOf });
  let bridge: EventLogBridge | undefined;
  const gateway = createRealtimeGateway<StreamPrincipal>({
    hub,
    authenticate: createStreamAuthenticator(deps.identity.verifyAccessToken, tickets),
    // An API key's ticket carries its scopes: a channel rule's scopes must all be among them.
    authorize: (principal, channel) => authorize(principal, channel),
    receives: (principal) => receives(principal),
    principals: {
      // The tier's maxStreamConnections, carried by the ticket or read with the session cookie.
      connectionLimit: (principal) =>
        principal.maxStreams === undefined ? undefined : { key: principal.userId, max: principal.maxStreams },
      ...(deps.streamConnections ? { counter: deps.streamConnections } : {}),
      isCurrent: (principal) =>
        deps.identity.isSessionCurrent(principal.userId, principal.sv, principal.apiKeyId),
      principalKey: (principal) => `${principal.userId}:${principal.sv}:${principal.apiKeyId ?? ''}`,
    },
    keepAliveMs: settings.keepAliveMs,
    pingIntervalMs: settings.pingIntervalMs,
    maxBufferedBytes: settings.slowConsumer.maxBufferedBytes,
    maxChannelsPerConnection: settings.maxChannelsPerConnection,
    maxConnections: settings.maxConnections,
    maxConnectionAgeMs: settings.maxConnectionAgeMs,
    // Before the bridge starts (or on one process) every channel is already here.
    ...(deps.fanout ? { prepare: async (channels: readonly string[]) => bridge?.ensure(channels) } : {}),
    metrics,
    logger,
  });
  let bridgeLog: EventLog | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  const service: Service = {
    name: 'realtime',
    async start(context) {
      if (deps.fanout) {
        bridgeLog = await deps.fanout.open();
        if (!hasKeyInterest(bridgeLog))
          throw new Error(`fan-out log ${bridgeLog.name} cannot be read by key`);
        bridge = createEventLogBridge({
          log: bridgeLog,
          hub,
          nodeId: deps.fanout.nodeId,
          graceMs: settings.interestGraceMs,
          history: { maxEvents: settings.history.maxEvents, maxAgeMs: settings.history.maxAgeMs },
          metrics,
          logger: context.logger,
        });
        await bridge.start();
        context.logger.info(
          { nodeId: deps.fanout.nodeId, log: bridgeLog.name },
          'real-time delivery by interest: channels taken from the delivery log as clients subscribe',
        );
      }
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await bridge?.stop();
      await bridgeLog?.close();
      await gateway.close();
      hub.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      const stats = gateway.stats();
      const info = { sse: stats.sse.connections, ws: stats.ws.connections };
      if (state === ServiceStatus.Up && bridgeLog && !bridgeLog.health().connected) {
        return {
          status: ServiceStatus.Degraded,
          detail: 'fan-out log disconnected: only local subscribers get events',
          info,
        };
      }
      return { status: state, info };
    },
  };
  const addChannelRules = (added: readonly ChannelAccessRule[]): void => {
    for (const rule of added)
      rules.push({ pattern: rule.pattern, allow: (principal, params) => rule.allow(principal, params) });
    authorize = byRules();
    receives = createEventFilter(rules, { scopesOf });
  };
  return {
    services: [service],
    hub,
    gateway,
    tickets,
    ticketTtlMs,
    auth: deps.identity.auth,
    addChannelRules,
    liveState: deps.fanout
      ? {
          latest: async (channel) => bridge?.latest(channel),
        }
      : undefined,
  };
}
