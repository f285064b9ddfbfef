/** @module The NATS connection: first connect, endless reconnects with backoff, and its state. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import type { NatsMetrics } from './metrics.ts';
import type { ResolvedNatsEventLogOptions } from './options.ts';

/** Where the client stands with the server. */
export const ConnectionState = {
  Connected: 'connected',
  Disconnected: 'disconnected',
  Reconnecting: 'reconnecting',
  Closed: 'closed',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

const RECONNECT_BASE_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * Connects with infinite reconnects. The delay between rounds over the server list doubles from
 * 100 ms to 2 s and resets once connected again, so a restarted server is found within ~2 s.
 */
export async function openNatsConnection(options: ResolvedNatsEventLogOptions): Promise<{
  nc: NatsConnection;
  resetBackoff: () => void;
}> {
  let attempt = 0;
  try {
    const nc = await connect({
      servers: options.servers,
      name: `tickline-eventlog-${options.stream}`,
      timeout: options.connectTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => {
        const delay = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** attempt++);
        return delay / 2 + Math.random() * (delay / 2);
      },
      // Building an Error per request for async stack traces costs a third of the publish CPU.
      noAsyncTraces: true,
      ...(options.auth.user === undefined ? {} : { user: options.auth.user }),
      ...(options.auth.pass === undefined ? {} : { pass: options.auth.pass }),
      ...(options.auth.token === undefined ? {} : { token: options.auth.token }),
    });
    return { nc, resetBackoff: () => (attempt = 0) };
  } catch (error) {
    throw new EventLogError('EVLOG_UNAVAILABLE', `cannot connect to NATS at ${options.servers.join(', ')}`, {
      cause: error,
    });
  }
}

/** Follows `nc.status()` and tells the pipeline when in-flight publishes are lost. */
export class ConnectionMonitor {
  #state: ConnectionState = ConnectionState.Connected;
  #server: string;
  readonly #done: Promise<void>;

  constructor(
    nc: NatsConnection,
    hooks: { metrics: NatsMetrics; logger: Logger; onDisconnect: () => void; onReconnect: () => void },
  ) {
    this.#server = nc.getServer();
    this.#done = (async () => {
      for await (const status of nc.status()) {
        switch (status.type) {
          case 'disconnect':
            this.#state = ConnectionState.Disconnected;
            hooks.logger.warn({ server: status.server }, 'disconnected from NATS');
            hooks.onDisconnect();
            break;
          case 'reconnecting':
            if (this.#state !== ConnectionState.Connected) this.#state = ConnectionState.Reconnecting;
            break;
          case 'reconnect':
            this.#state = ConnectionState.Connected;
            this.#server = status.server;
            hooks.metrics.reconnects.inc();
            hooks.logger.info({ server: status.server }, 'reconnected to NATS');
            hooks.onReconnect();
            break;
          case 'close':
            this.#state = ConnectionState.Closed;
            break;
          default:
            break;
        }
      }
      this.#state = ConnectionState.Closed;
    })();
    void nc.closed().then(() => {
      this.#state = ConnectionState.Closed;
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get server(): string {
    return this.#server;
  }

  /** Resolves when the status stream ends (the connection closed). */
  done(): Promise<void> {
    return this.#done;
  }
}
