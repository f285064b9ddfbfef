/** @module The session layer's metrics: connections, sessions in grace, closes by code, bytes and messages. */
import { Counter, Gauge, getOrCreateMetric, type Registry } from '@tickline/kernel';

/** Handles on the series (shared by every session layer of one registry). */
export interface SessionMetrics {
  connections(transport: string): { inc(): void; dec(): void };
  sessions: { set(value: number): void };
  closed(code: string): void;
  /** A connection refused at a cap (`server` or `address`). */
  refused(limit: 'server' | 'address'): void;
  /** Distinct addresses holding connections. */
  addresses: { set(value: number): void };
  bytesOut(transport: string): { inc(value: number): void };
  messagesIn(transport: string): { inc(value?: number): void };
}

function metric<T>(registry: Registry, name: string, create: () => T): T {
  return getOrCreateMetric(registry, name, create);
}

export function createSessionMetrics(registry: Registry): SessionMetrics {
  const registers = [registry];
  const connections = metric(
    registry,
    'tickline_game_connections',
    () =>
      new Gauge({
        name: 'tickline_game_connections',
        help: 'Open game connections.',
        labelNames: ['transport'],
        registers,
      }),
  );
  const sessions = metric(
    registry,
    'tickline_game_sessions',
    () =>
      new Gauge({
        name: 'tickline_game_sessions',
        help: 'Game sessions, connected or inside their resume grace period.',
        registers,
      }),
  );
  const closed = metric(
    registry,
    'tickline_game_connections_closed_total',
    () =>
      new Counter({
        name: 'tickline_game_connections_closed_total',
        help: 'Game connections the server closed, by close code.',
        labelNames: ['code'],
        registers,
      }),
  );
  const bytesOut = metric(
    registry,
    'tickline_game_bytes_out_total',
    () =>
      new Counter({
        name: 'tickline_game_bytes_out_total',
        help: 'Encoded game message bytes sent to clients (before framing).',
        labelNames: ['transport'],
        registers,
      }),
  );
  const messagesIn = metric(
    registry,
    'tickline_game_messages_in_total',
    () =>
      new Counter({
        name: 'tickline_game_messages_in_total',
        help: 'Game messages received from clients.',
        labelNames: ['transport'],
        registers,
      }),
  );
  const refused = metric(
    registry,
    'tickline_game_connections_refused_total',
    () =>
      new Counter({
        name: 'tickline_game_connections_refused_total',
        help: 'Game connections refused at a cap: server (game.limits.maxConnections) or address (maxConnectionsPerAddress).',
        labelNames: ['limit'],
        registers,
      }),
  );
  const addresses = metric(
    registry,
    'tickline_game_connection_addresses',
    () =>
      new Gauge({
        name: 'tickline_game_connection_addresses',
        help: 'Distinct client addresses holding game connections.',
        registers,
      }),
  );
  return {
    connections: (transport) => connections.labels({ transport }),
    refused: (limit) => refused.labels({ limit }).inc(),
    addresses,
    sessions,
    closed: (code) => closed.labels({ code }).inc(),
    bytesOut: (transport) => bytesOut.labels({ transport }),
    messagesIn: (transport) => messagesIn.labels({ transport }),
  };
}

const TRANSPORTS = ['tcp', 'ws'] as const;

/**
 * Bytes sent and messages received per transport since the counters were last advanced: a
 * labelled counter's `inc` costs more than the send it counts, so the session layer adds to plain
 * numbers per message and {@link flush}es them once per zone tick and sweep.
 */
export class TransportCounters {
  readonly bytesOut = { tcp: 0, ws: 0 };
  readonly messagesIn = { tcp: 0, ws: 0 };
  readonly #metrics: SessionMetrics;

  constructor(metrics: SessionMetrics) {
    this.#metrics = metrics;
  }

  /** Advances the metrics by what was counted since the last call. */
  flush(): void {
    const { bytesOut, messagesIn } = this;
    for (const transport of TRANSPORTS) {
      if (bytesOut[transport] > 0) this.#metrics.bytesOut(transport).inc(bytesOut[transport]);
      if (messagesIn[transport] > 0) this.#metrics.messagesIn(transport).inc(messagesIn[transport]);
      bytesOut[transport] = messagesIn[transport] = 0;
    }
  }
}

/** The session layer's counts for health and tests (`GameSessions.stats()`). */
export interface GameSessionsStats {
  connections: number;
  sessions: number;
  /** Sessions without a connection, inside their grace period. */
  dropped: number;
}
