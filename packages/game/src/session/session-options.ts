/** @module Limits and timings of the session layer, with their defaults in one place. */
import { silentLogger, systemClock, type Clock, type Logger, type Registry } from '@tickline/kernel';
import { systemScheduler, type Scheduler } from '../loop/scheduler.ts';
import type { JoinTokens } from '../coordinator/join-token.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@tickline/protocol';
import { SpawnPolicy } from './spawn-point.ts';
import {
  BURST_SECONDS,
  HANDSHAKE_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_ADDRESS,
  IDLE_TIMEOUT_MS,
  MAX_BUFFERED_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_MESSAGES_PER_SECOND,
  RESUME_GRACE_MS,
} from '../config.ts';

/** Connection limits. */
export interface SessionLimits {
  /** Largest message (frame payload) accepted; larger closes the connection. @default 4 KiB */
  maxMessageBytes?: number;
  /** Sustained messages per second one connection may send. @default 40 */
  maxMessagesPerSecond?: number;
  /**
   * Seconds of messages a connection may send at once on top of the rate: a client whose commands
   * queued up behind a network or server stall is not taken for a flood. @default 5
   */
  burstSeconds?: number;
  /** A connection whose unsent bytes exceed this is dropped as a slow consumer. @default 1 MiB */
  maxBufferedBytes?: number;
  /** Connections held at once over every transport; more are refused (GAME_SERVER_FULL). @default 10_000 */
  maxConnections?: number;
  /** Connections from one client address (an IPv6 /64 is one); more are refused (GAME_ADDRESS_LIMIT). @default 32 */
  maxConnectionsPerAddress?: number;
  /** A connection must say hello within this. @default 5_000 */
  handshakeTimeoutMs?: number;
  /** Server heartbeat period. @default 5_000 */
  heartbeatIntervalMs?: number;
  /** A connection silent for this long is closed (the player enters its grace period). @default 15_000 */
  idleTimeoutMs?: number;
  /** A dropped player stays in the zone this long, resumable; then it leaves. @default 30_000 */
  resumeGraceMs?: number;
}

/** Options for {@link GameSessions}. */
export interface GameSessionsOptions extends SessionLimits {
  tokens: JoinTokens;
  metrics: Registry;
  /** @default silentLogger */
  logger?: Logger;
  /** @default systemClock */
  clock?: Clock;
  /**
   * Where joining players appear: `center` (the zone's spawn point: everyone in view of everyone,
   * the interest fan-out's worst case) or `scatter` (spread over the zone by player id). @default 'center'
   */
  spawn?: SpawnPolicy;
  /** Drives the heartbeat sweep. @default systemScheduler */
  scheduler?: Scheduler;
}

export type ResolvedSessionOptions = Required<GameSessionsOptions>;

export const DEFAULT_SESSION_MAX_MESSAGE_BYTES = MAX_MESSAGE_BYTES;

/** Fills in defaults and checks ranges. */
export function resolveSessionOptions(options: GameSessionsOptions): ResolvedSessionOptions {
  const resolved: ResolvedSessionOptions = {
    tokens: options.tokens,
    metrics: options.metrics,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    scheduler: options.scheduler ?? systemScheduler,
    spawn: options.spawn ?? SpawnPolicy.Center,
    maxMessageBytes: Math.min(
      options.maxMessageBytes ?? DEFAULT_SESSION_MAX_MESSAGE_BYTES,
      DEFAULT_MAX_MESSAGE_BYTES,
    ),
    maxMessagesPerSecond: options.maxMessagesPerSecond ?? MAX_MESSAGES_PER_SECOND,
    burstSeconds: options.burstSeconds ?? BURST_SECONDS,
    maxBufferedBytes: options.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
    maxConnections: options.maxConnections ?? MAX_CONNECTIONS,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? MAX_CONNECTIONS_PER_ADDRESS,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    resumeGraceMs: options.resumeGraceMs ?? RESUME_GRACE_MS,
  };
  for (const key of [
    'maxMessageBytes',
    'maxMessagesPerSecond',
    'burstSeconds',
    'maxBufferedBytes',
    'maxConnections',
    'maxConnectionsPerAddress',
    'handshakeTimeoutMs',
    'heartbeatIntervalMs',
    'idleTimeoutMs',
  ] as const) {
    if (!(resolved[key] > 0)) throw new RangeError(`session option ${key} must be positive`);
  }
  if (!(resolved.resumeGraceMs >= 0)) throw new RangeError('session option resumeGraceMs must be ≥ 0');
  return resolved;
}

/** How often the sweep runs: often enough that no timeout overshoots by more than a quarter of itself. */
export function sweepIntervalMs(o: ResolvedSessionOptions): number {
  return Math.max(
    10,
    Math.min(
      o.heartbeatIntervalMs,
      o.handshakeTimeoutMs / 4,
      o.idleTimeoutMs / 4,
      o.resumeGraceMs / 4 || Infinity,
    ),
  );
}
