/**
 * @module NatsEventLog: the EventLog port on NATS JetStream. One stream holds the log (offset =
 * stream sequence, key = subject token, id = `Nats-Msg-Id` so re-sent records are dropped within
 * the duplicate window); durable pull consumers hold the consumer positions.
 *
 * Durability: nats-server 2.9 acknowledges a publish before it fsyncs. On one node an
 * acknowledged record can be lost if the machine crashes; run R3 streams on a 3-node cluster
 * (`replicas: 3`) where an ack means a quorum stored it.
 */
import {
  jetstreamManager,
  type ConsumerInfo as JsConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import type { KeyHistory, KeyHistoryOptions, KeyInterest, KeyWatch } from '../port/key-interest.ts';
import type {
  AppendRecord,
  AppendResult,
  ConsumerInfo,
  ConsumerOptions,
  EventLog,
  LogConsumer,
  LogHead,
  LogHealth,
  LogRecord,
  ReadOptions,
  StartPosition,
} from '../port/event-log.ts';
import { ConnectionMonitor, ConnectionState, openNatsConnection } from './connection.ts';
import { NatsLogConsumer, type DurablePosition } from './consumer.ts';
import { NatsKeyInterest } from './key-interest.ts';
import { ConsumerLease, ensureLeaseStream } from './consumer-lease.ts';
import { createNatsMetrics, type NatsMetrics } from './metrics.ts';
import { resolveNatsOptions, type NatsEventLogOptions, type ResolvedNatsEventLogOptions } from './options.ts';
import { PublishPipeline } from './publish-pipeline.ts';
import { readRange } from './read-range.ts';
import { durableConsumerConfig } from './start-position.ts';
import { ensureStream } from './stream-setup.ts';
import { escapeToken, SubjectScheme, unescapeToken } from './subjects.ts';

const CONSUMER_NOT_FOUND = 10014;
const NANOS_PER_MS = 1_000_000;

/**
 * Connects, creates or updates the stream, and returns the log.
 * @example
 * const log = await createNatsEventLog({ servers: 'nats://127.0.0.1:4222', replicas: 3 });
 */
export async function createNatsEventLog(options: NatsEventLogOptions): Promise<NatsEventLog> {
  const resolved = resolveNatsOptions(options);
  const { nc, resetBackoff } = await openNatsConnection(resolved);
  try {
    const jsm = await jetstreamManager(nc, { timeout: resolved.apiTimeoutMs });
    const subjects = new SubjectScheme(resolved.subjectPrefix, { segmented: resolved.segmentedKeys });
    await ensureStream(jsm, resolved, subjects);
    await ensureLeaseStream(jsm, resolved.stream, resolved.replicas, resolved.leaseTtlMs);
    return new NatsEventLog(nc, jsm, subjects, resolved, resetBackoff);
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw asUnavailable(`cannot set up stream "${resolved.stream}"`, error);
  }
}

function positionOf(info: JsConsumerInfo): DurablePosition {
  return {
    consumerSeq: info.delivered.consumer_seq,
    ackWaitMs: (info.config.ack_wait ?? 0) / NANOS_PER_MS,
    streamSeq: info.delivered.stream_seq,
    ackPending: info.num_ack_pending,
  };
}

function asUnavailable(message: string, error: unknown): EventLogError {
  return error instanceof EventLogError
    ? error
    : new EventLogError('EVLOG_UNAVAILABLE', `${message}: ${String(error)}`, { cause: error });
}

export class NatsEventLog implements EventLog, KeyInterest {
  readonly name: string;
  readonly #nc: NatsConnection;
  readonly #jsm: JetStreamManager;
  readonly #subjects: SubjectScheme;
  readonly #options: ResolvedNatsEventLogOptions;
  readonly #logger: Logger;
  readonly #monitor: ConnectionMonitor;
  readonly #pipeline: PublishPipeline;
  readonly #metrics: NatsMetrics;
  readonly #open = new Map<string, NatsLogConsumer>();
  readonly #interest: NatsKeyInterest;
  #closed = false;

  constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    subjects: SubjectScheme,
    options: ResolvedNatsEventLogOptions,
    resetBackoff: () => void,
  ) {
    this.name = options.stream;
    this.#nc = nc;
    this.#jsm = jsm;
    this.#subjects = subjects;
    this.#options = options;
    this.#logger = options.logger.child({ eventLog: 'nats', stream: options.stream });
    const metrics = createNatsMetrics(options.metrics, options.stream);
    this.#metrics = metrics;
    this.#interest = new NatsKeyInterest({ nc, jsm, stream: options.stream, subjects });
    this.#monitor = new ConnectionMonitor(nc, {
      metrics,
      logger: this.#logger,
      onDisconnect: () =>
        this.#pipeline.failAll('connection to NATS lost before the ack (retry with the same id)'),
      onReconnect: () => {
        resetBackoff();
        this.#pipeline.resume();
        this.#interest.reconnected();
      },
    });
    this.#pipeline = new PublishPipeline({
      nc,
      subjects,
      maxInflight: options.maxInflight,
      publishTimeoutMs: options.publishTimeoutMs,
      metrics,
      isConnected: () => this.#monitor.state === ConnectionState.Connected,
    });
  }

  async append(records: readonly AppendRecord[]): Promise<AppendResult[]> {
    this.#assertUsable();
    return this.#pipeline.append(records);
  }

  async read(options: ReadOptions): Promise<LogRecord[]> {
    this.#assertUsable();
    if (!(options.from >= 0) || !(options.limit >= 0))
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'read needs from >= 0 and limit >= 0', {
        details: { ...options },
      });
    try {
      return await readRange(this.#nc, this.name, this.#subjects, await this.head(), {
        ...options,
        timeoutMs: this.#options.apiTimeoutMs,
      });
    } catch (error) {
      throw asUnavailable(`read of "${this.name}" failed`, error);
    }
  }

  async head(): Promise<LogHead> {
    this.#assertUsable();
    try {
      const { state } = await this.#jsm.streams.info(this.name);
      return state.last_seq === 0 ? { first: 0, last: 0 } : { first: state.first_seq, last: state.last_seq };
    } catch (error) {
      throw asUnavailable(`stream info of "${this.name}" failed`, error);
    }
  }

  async consumer(name: string, options: ConsumerOptions = {}): Promise<LogConsumer> {
    this.#assertUsable();
    if (this.#open.has(name))
      throw new EventLogError('EVLOG_CONSUMER_BUSY', `consumer "${name}" is already open`);
    const durable = escapeToken(name);
    const shared = options.shared ?? false;
    const consumer = new NatsLogConsumer(name, durable, {
      nc: this.#nc,
      stream: this.name,
      subjects: this.#subjects,
      ackTimeoutMs: this.#options.publishTimeoutMs,
      ackWaitMs: this.#options.ackWaitMs,
      shared,
      lease: shared ? undefined : this.#lease(durable),
      position: async () => {
        const info = await this.#consumerInfo(durable);
        if (!info) throw new EventLogError('EVLOG_UNAVAILABLE', `consumer "${name}" was deleted`);
        return positionOf(info);
      },
      onActiveChange: (active) => {
        this.#metrics.consumerActive(name).set(active ? 1 : 0);
        this.#logger.info({ consumer: name, holder: this.#options.holder }, active ? 'consumer active' : 'consumer standby');
      },
      onClose: () => this.#open.delete(name),
    });
    this.#open.set(name, consumer);
    try {
      const info =
        (await this.#consumerInfo(durable)) ??
        (await this.#createDurable(durable, options.start ?? { from: 'earliest' }, options.expireAfterMs));
      consumer.resumeAfter(positionOf(info));
      return consumer;
    } catch (error) {
      this.#open.delete(name);
      throw asUnavailable(`cannot open consumer "${name}"`, error);
    }
  }

  async consumers(): Promise<ConsumerInfo[]> {
    this.#assertUsable();
    try {
      const out: ConsumerInfo[] = [];
      for await (const info of this.#jsm.consumers.list(this.name)) {
        const durable = info.config.durable_name;
        if (!durable) continue; // read() uses ephemeral ordered consumers
        out.push({
          name: unescapeToken(durable),
          acked: info.ack_floor.stream_seq,
          lag: info.num_pending + info.num_ack_pending,
        });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      throw asUnavailable(`consumer list of "${this.name}" failed`, error);
    }
  }

  async resetConsumer(name: string, start: StartPosition): Promise<void> {
    this.#assertUsable();
    if (this.#open.has(name)) throw new EventLogError('EVLOG_CONSUMER_BUSY', `consumer "${name}" is open`);
    const durable = escapeToken(name);
    try {
      if (await this.#consumerInfo(durable)) await this.#jsm.consumers.delete(this.name, durable);
      await this.#createDurable(durable, start);
    } catch (error) {
      throw asUnavailable(`cannot reset consumer "${name}"`, error);
    }
  }

  async watchKey(key: string, onRecord: (record: LogRecord) => void): Promise<KeyWatch> {
    this.#assertUsable();
    try {
      return await this.#interest.watchKey(key, onRecord);
    } catch (error) {
      throw asUnavailable(`cannot watch key "${key}" of "${this.name}"`, error);
    }
  }

  async keyHistory(key: string, options: KeyHistoryOptions): Promise<KeyHistory> {
    this.#assertUsable();
    try {
      return await this.#interest.keyHistory(key, options);
    } catch (error) {
      throw asUnavailable(`history of key "${key}" of "${this.name}" failed`, error);
    }
  }

  async lastOfKey(key: string): Promise<LogRecord | undefined> {
    this.#assertUsable();
    try {
      return await this.#interest.lastOfKey(key);
    } catch (error) {
      throw asUnavailable(`last record of key "${key}" of "${this.name}" failed`, error);
    }
  }

  onReconnect(listener: () => void): () => void {
    return this.#interest.onReconnect(listener);
  }

  health(): LogHealth {
    if (this.#closed) return { connected: false, detail: 'closed' };
    const state = this.#monitor.state;
    return state === ConnectionState.Connected
      ? { connected: true, detail: `connected to ${this.#monitor.server}` }
      : { connected: false, detail: state };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Let in-flight publishes finish (each is bounded by publishTimeoutMs), then release consumers.
    await this.#pipeline.drained();
    await Promise.allSettled([...this.#open.values()].map((c) => c.close()));
    this.#pipeline.close();
    await this.#nc.close().catch(() => undefined);
    await this.#monitor.done();
  }

  #lease(durable: string): ConsumerLease {
    return new ConsumerLease({
      nc: this.#nc,
      jsm: this.#jsm,
      stream: this.name,
      durable,
      holder: this.#options.holder,
      ttlMs: this.#options.leaseTtlMs,
      apiTimeoutMs: this.#options.apiTimeoutMs,
      // The lease stream is gone (a NATS cluster rebuilt from scratch): put it back.
      ensureStream: () =>
        ensureLeaseStream(this.#jsm, this.name, this.#options.replicas, this.#options.leaseTtlMs),
    });
  }

  async #consumerInfo(durable: string): Promise<JsConsumerInfo | undefined> {
    try {
      return await this.#jsm.consumers.info(this.name, durable);
    } catch (error) {
      if ((error as { code?: number }).code === CONSUMER_NOT_FOUND) return undefined;
      throw error;
    }
  }

  async #createDurable(durable: string, start: StartPosition, expireAfterMs?: number): Promise<JsConsumerInfo> {
    const config = await durableConsumerConfig(this.#jsm, this.name, durable, start, {
      ackWaitMs: this.#options.ackWaitMs,
      head: () => this.head(),
      expireAfterMs,
    });
    return this.#jsm.consumers.add(this.name, config);
  }

  #assertUsable(): void {
    if (this.#closed) throw new EventLogError('EVLOG_CLOSED', `event log "${this.name}" is closed`);
    const state = this.#monitor.state;
    if (state !== ConnectionState.Connected)
      throw new EventLogError('EVLOG_UNAVAILABLE', `not connected to NATS (${state})`);
  }
}
