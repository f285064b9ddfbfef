/** @module Options of the NATS JetStream adapter and their resolved defaults. */
import { hostname } from 'node:os';
import { createMetricsRegistry, silentLogger, type Logger, type Registry } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';

/** Options for {@link createNatsEventLog}. */
export interface NatsEventLogOptions {
  /** One URL or several (`nats://host:4222`); the client learns the rest of a cluster. */
  servers: string | string[];
  /** JetStream stream name. @default 'TICKLINE' */
  stream?: string;
  /** Records go to `${subjectPrefix}.${escaped key}`. @default 'tickline.events' */
  subjectPrefix?: string;
  /**
   * Stream replicas. nats-server 2.9 acknowledges before fsync, so a single node can lose
   * acknowledged records on a machine crash: use 3 on a 3-node cluster in production. @default 1
   */
  replicas?: number;
  /** Publishes awaiting their ack at once (the pipeline window). @default 1024 */
  maxInflight?: number;
  /** How long a publish waits for its ack before it is reported failed (retry with the same id). @default 5000 */
  publishTimeoutMs?: number;
  /** How long a fetched record may stay unacknowledged before JetStream redelivers it. @default 30000 */
  ackWaitMs?: number;
  /** How long a JetStream API call (stream/consumer info, create, delete) may take. @default 10000 */
  apiTimeoutMs?: number;
  /** First connection timeout; reconnects afterwards never give up. @default 5000 */
  connectTimeoutMs?: number;
  /** How long the stream remembers record ids to drop re-sent ones (`duplicate_window`). @default 120000 */
  dedupeWindowMs?: number;
  /**
   * How long a process that stops renewing keeps a consumer's lease: a killed holder's standby
   * takes over after at most this (a holder that stops cleanly hands over at once). One active
   * holder per durable keeps order per key; see consumer-lease.ts. @default 10000
   */
  leaseTtlMs?: number;
  /** Names this process in the lease records. @default `${hostname}:${pid}` */
  holder?: string;
  /**
   * Stream limits; the oldest records go first. `maxPerKey` keeps at most that many records per
   * key (JetStream's `max_msgs_per_subject`): a log read by key, as the real-time delivery log
   * is, then holds a bounded history of every key. @default unlimited
   */
  retention?: { maxBytes?: number; maxAgeMs?: number; maxPerKey?: number };
  /**
   * Keys are `:`-separated segments, each its own subject token (`c:market:X:trades` →
   * `${subjectPrefix}.c.market.X.trades`), so per-segment wildcards select key families. The
   * stream then captures `${subjectPrefix}.>`. @default false
   */
  segmentedKeys?: boolean;
  user?: string;
  pass?: string;
  token?: string;
  /** @default a private registry */
  metrics?: Registry;
  /** @default silentLogger */
  logger?: Logger;
}

export const DEFAULT_STREAM = 'TICKLINE';
export const DEFAULT_SUBJECT_PREFIX = 'tickline.events';
export const DEFAULT_MAX_INFLIGHT = 1024;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
// A consumer create on an R3 stream waits for a raft election: give it room.
export const DEFAULT_API_TIMEOUT_MS = 10_000;
export const DEFAULT_NATS_DEDUPE_WINDOW_MS = 2 * 60 * 1000; // 2 minutes
export const DEFAULT_LEASE_TTL_MS = 10_000;

/** Options with every default applied. */
export interface ResolvedNatsEventLogOptions {
  servers: string[];
  stream: string;
  subjectPrefix: string;
  replicas: number;
  maxInflight: number;
  publishTimeoutMs: number;
  ackWaitMs: number;
  connectTimeoutMs: number;
  apiTimeoutMs: number;
  dedupeWindowMs: number;
  leaseTtlMs: number;
  holder: string;
  retention: { maxBytes?: number; maxAgeMs?: number; maxPerKey?: number };
  segmentedKeys: boolean;
  auth: { user?: string; pass?: string; token?: string };
  metrics: Registry;
  logger: Logger;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', `${name} must be a positive number, got ${value}`);
  return value;
}

/** Applies defaults and checks ranges; contradictions fail naming the fields. */
export function resolveNatsOptions(options: NatsEventLogOptions): ResolvedNatsEventLogOptions {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  if (servers.length === 0)
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'servers must name at least one server');
  if (options.token !== undefined && (options.user !== undefined || options.pass !== undefined))
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'token and user/pass are mutually exclusive');
  const stream = options.stream ?? DEFAULT_STREAM;
  if (!/^[A-Za-z0-9_-]+$/.test(stream))
    throw new EventLogError(
      'EVLOG_INVALID_ARGUMENT',
      `stream "${stream}" may only hold letters, digits, _ and -`,
    );
  const subjectPrefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subjectPrefix))
    throw new EventLogError(
      'EVLOG_INVALID_ARGUMENT',
      `subjectPrefix "${subjectPrefix}" is not a literal subject`,
    );
  return {
    servers,
    stream,
    subjectPrefix,
    replicas: positive('replicas', options.replicas ?? 1),
    maxInflight: positive('maxInflight', options.maxInflight ?? DEFAULT_MAX_INFLIGHT),
    publishTimeoutMs: positive('publishTimeoutMs', options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS),
    ackWaitMs: positive('ackWaitMs', options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    apiTimeoutMs: positive('apiTimeoutMs', options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    dedupeWindowMs: positive('dedupeWindowMs', options.dedupeWindowMs ?? DEFAULT_NATS_DEDUPE_WINDOW_MS),
    leaseTtlMs: positive('leaseTtlMs', options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS),
    holder: options.holder ?? `${hostname()}:${process.pid}`,
    retention: { ...options.retention },
    segmentedKeys: options.segmentedKeys ?? false,
    auth: { user: options.user, pass: options.pass, token: options.token },
    metrics: options.metrics ?? createMetricsRegistry({ processMetrics: false }),
    logger: options.logger ?? silentLogger,
  };
}
