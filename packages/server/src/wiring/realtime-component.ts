/**
 * @module Real-time delivery as a service of the process: the hub (channels with resume history),
 * the SSE/WebSocket gateway authenticating by stream ticket or session cookie, and — on the NATS
 * engine, where several gateways share one log — the event-log bridge that fans out between them
 * over a stream of its own (`<stream>_RT`), so relayed frames never reach domain consumers.
 */
import type { EventLog } from '@tickline/eventlog';
import { ServiceStatus, type Registry, type Service, type ServiceHealth } from '@tickline/kernel';
import {
  createChannelAuthorizer,
  createEventLogBridge,
  createHub,
  createRealtimeGateway,
  createStreamTicketIssuer,
  type EventLogBridge,
  type Hub,
  type RealtimeGateway,
  type StreamTicketIssuer,
} from '@tickline/realtime';
import { createStreamAuthenticator, STREAM_CHANNEL_RULES, type StreamPrincipal } from '../api/stream-auth.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { LogKind, openEventLog } from './event-logs.ts';
import type { IdentityComponent } from './identity-component.ts';
import { loadNodeId } from './node-id.ts';
import { startedGetter } from './started.ts';

/** Options for {@link createRealtimeComponent}. */
export interface RealtimeComponentOptions {
  config: ResolvedConfig;
  metrics: Registry;
  /** Started before this component. */
  identity: IdentityComponent;
}

/** The hub, the gateway and the ticket issuer once started. */
export interface RealtimeComponent extends Service {
  readonly hub: Hub;
  readonly gateway: RealtimeGateway<StreamPrincipal>;
  readonly tickets: StreamTicketIssuer;
}

export function createRealtimeComponent(options: RealtimeComponentOptions): RealtimeComponent {
  const { config, metrics } = options;
  const realtime = config.realtime;
  let hub: Hub | undefined;
  let gateway: RealtimeGateway<StreamPrincipal> | undefined;
  let tickets: StreamTicketIssuer | undefined;
  let bridgeLog: EventLog | undefined;
  let bridge: EventLogBridge | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  const started = startedGetter('realtime');
  return {
    name: 'realtime',
    get hub() {
      return started(hub);
    },
    get gateway() {
      return started(gateway);
    },
    get tickets() {
      return started(tickets);
    },
    async start(context) {
      const logger = context.logger;
      hub = createHub({
        history: { maxEvents: realtime.history.maxEvents, maxAgeMs: realtime.history.maxAgeMs },
        logger,
      });
      tickets = createStreamTicketIssuer({
        secret: options.identity.keys.streamTicketSecret,
        ttlMs: config.auth.streamTicketTtlMs,
      });
      gateway = createRealtimeGateway<StreamPrincipal>({
        hub,
        authenticate: createStreamAuthenticator(options.identity.identity, tickets),
        authorize: createChannelAuthorizer(STREAM_CHANNEL_RULES),
        keepAliveMs: realtime.keepAliveMs,
        pingIntervalMs: realtime.pingIntervalMs,
        maxBufferedBytes: realtime.slowConsumer.maxBufferedBytes,
        maxChannelsPerConnection: realtime.maxChannelsPerConnection,
        maxConnections: realtime.maxConnections,
        maxConnectionAgeMs: realtime.maxConnectionAgeMs,
        metrics,
        logger,
      });
      if (config.eventlog.engine === 'nats') {
        bridgeLog = await openEventLog(config, LogKind.Realtime, { logger, metrics });
        const nodeId = await loadNodeId(config.dataDir);
        bridge = createEventLogBridge({ log: bridgeLog, hub, nodeId, logger });
        await bridge.start();
        logger.info(
          { nodeId, log: bridgeLog.name },
          'real-time fan-out between gateways through the event log',
        );
      }
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      await bridge?.stop();
      await bridgeLog?.close();
      await gateway?.close();
      hub?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      const info = gateway
        ? { sse: gateway.stats().sse.connections, ws: gateway.stats().ws.connections }
        : undefined;
      if (state === ServiceStatus.Up && bridgeLog && !bridgeLog.health().connected) {
        return {
          status: ServiceStatus.Degraded,
          detail: 'fan-out log disconnected: only local subscribers get events',
          ...(info ? { info } : {}),
        };
      }
      return { status: state, ...(info ? { info } : {}) };
    },
  };
}
