/**
 * @module {@link KeyInterest} on NATS JetStream. A watch is a core subscription to the key's
 * subject: a JetStream stream stores what is published on its subjects, and the same publish is
 * routed to every core subscriber of the subject, so a reader holds nothing on the server but
 * its interest (no consumer per key; nats-server 2.9 consumers take one filter subject each, and
 * every stored record is checked against every consumer of the stream). History is an ephemeral
 * pull consumer filtered on the subject, started at a time, read until nothing is pending and
 * deleted. The newest record is a direct get by subject (`last_by_subj`).
 */
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { LogRecord } from '../port/event-log.ts';
import type { KeyHistory, KeyHistoryOptions, KeyInterest, KeyWatch } from '../port/key-interest.ts';
import { PullRequester, type DeliveredMessage } from './pull-request.ts';
import { deliveredRecord, toLogRecord } from './record-codec.ts';
import type { SubjectScheme } from './subjects.ts';

/** Records asked for per pull while reading a key's history. */
const HISTORY_PULL_BATCH = 256;
/** A history consumer left behind (the reader died mid-read) is removed by the server after this. */
const HISTORY_CONSUMER_IDLE_MS = 30_000;
/**
 * After the history's last pending record, one more pull waits this long. A record published
 * just before a watch was registered reaches the stream's store a little after it was routed; it
 * is not in the watch and may be stored after the history consumer's first count. Microseconds
 * on a quiet server: the wait bounds the window, it does not close it under arbitrary load.
 */
export const DEFAULT_HISTORY_SETTLE_MS = 20;

/** What the key interest needs from its log. */
export interface NatsKeyInterestContext {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
  subjects: SubjectScheme;
  /** @default DEFAULT_HISTORY_SETTLE_MS */
  historySettleMs?: number;
}

export class NatsKeyInterest implements KeyInterest {
  readonly #context: NatsKeyInterestContext;
  readonly #reconnectListeners = new Set<() => void>();

  constructor(context: NatsKeyInterestContext) {
    this.#context = context;
  }

  async watchKey(key: string, onRecord: (record: LogRecord) => void): Promise<KeyWatch> {
    const { nc, subjects } = this.#context;
    const sub = nc.subscribe(subjects.subjectFor(key), {
      callback: (_error, msg) =>
        onRecord(
          toLogRecord(
            { seq: 0, subject: msg.subject, headers: msg.headers, data: msg.data, serverTimeMs: Date.now() },
            subjects,
          ),
        ),
    });
    // Once the server has answered a PING sent after the SUB, it routes every later publish here.
    await nc.flush();
    return { close: () => sub.unsubscribe() };
  }

  async keyHistory(key: string, options: KeyHistoryOptions): Promise<KeyHistory> {
    if (options.limit <= 0) return { records: [], truncated: false };
    const { jsm, stream, subjects } = this.#context;
    const info = await jsm.consumers.add(stream, {
      filter_subject: subjects.subjectFor(key),
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(options.sinceMs).toISOString(),
      ack_policy: AckPolicy.None,
      inactive_threshold: nanos(HISTORY_CONSUMER_IDLE_MS),
      mem_storage: true,
      num_replicas: 1,
    });
    try {
      return await this.#readAll(info.name, info.num_pending, options.limit);
    } finally {
      await jsm.consumers.delete(stream, info.name).catch(() => undefined);
    }
  }

  async lastOfKey(key: string): Promise<LogRecord | undefined> {
    const { jsm, stream, subjects } = this.#context;
    const msg = await jsm.direct.getMessage(stream, { last_by_subj: subjects.subjectFor(key) });
    if (!msg) return undefined;
    return toLogRecord(
      {
        seq: msg.seq,
        subject: msg.subject,
        headers: msg.header,
        data: msg.data,
        serverTimeMs: msg.time.getTime(),
      },
      subjects,
    );
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  /** Tells the readers their watches may have missed records. */
  reconnected(): void {
    for (const listener of this.#reconnectListeners) listener();
  }

  async #readAll(consumer: string, pendingAtStart: number, limit: number): Promise<KeyHistory> {
    const { nc, stream, subjects } = this.#context;
    const delivered: DeliveredMessage[] = [];
    let pending = pendingAtStart;
    const puller = new PullRequester(nc, stream, consumer, (d) => {
      delivered.push(d);
      pending = d.pending;
    });
    try {
      while (pending > 0) {
        const before = delivered.length;
        await puller.request(Math.min(HISTORY_PULL_BATCH, pending));
        if (delivered.length === before) break; // nothing came: the records expired meanwhile
      }
      await puller.request(HISTORY_PULL_BATCH, this.#context.historySettleMs ?? DEFAULT_HISTORY_SETTLE_MS);
      // A straggler may have brought more behind it.
      while (pending > 0) {
        const before = delivered.length;
        await puller.request(Math.min(HISTORY_PULL_BATCH, pending));
        if (delivered.length === before) break;
      }
    } finally {
      puller.close();
    }
    const kept = delivered.length > limit ? delivered.slice(delivered.length - limit) : delivered;
    return {
      records: kept.map((d) => deliveredRecord(d, subjects)),
      truncated: delivered.length > limit,
    };
  }
}
