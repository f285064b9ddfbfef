/**
 * @module The delivery engine both paths feed — the log sender (deliveries planned from
 * `notification.requested`, due now) and the SQL dispatcher (retries, digests, resends, deliveries
 * given back): the send gate bounds what runs, each attempt is recorded on its own as it ends,
 * and `notification.delivered` / `.failed` are published once the outcome is durable.
 */
import type { Publisher } from '@tickline/eventlog';
import { createEventSource, type Clock, type Logger } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { NotificationChannel } from '../channels/channel.ts';
import { NotificationDelivered, NotificationFailed } from '../events.ts';
import type { Channel } from '../kinds.ts';
import type { RetryPolicy } from '../queue/retry-schedule.ts';
import { attemptDelivery } from './attempt.ts';
import { attemptObserver, type NotifyMetrics } from './notify-metrics.ts';
import { createRecorder, type DeliveryWork, type Recorder, type RecordEntry } from './recorder.ts';
import { createSendGate, type GateJob, type SendGate, type SendGateOptions } from './send-gate.ts';

/** A delivery the gate could not take soon is given back to the SQL queue, due after this. */
export const GIVE_BACK_DELAY_MS = 1_000;

export interface DeliveryEngineOptions {
  sql: Sql;
  publisher: Publisher;
  clock: Clock;
  channels: ReadonlyMap<Channel, NotificationChannel>;
  retry: RetryPolicy;
  gate: SendGateOptions;
  metrics?: NotifyMetrics;
  logger?: Logger;
  /** @default 'notify/dispatcher' */
  source?: string;
}

export interface DeliveryEngine {
  readonly gate: SendGate;
  readonly recorder: Recorder;
  /** Attempts `work` when the gate has a slot for it; gives it back to SQL when it cannot. */
  submit(work: DeliveryWork): void;
  /** Records without an attempt (held for a digest, written while running). */
  record(entry: RecordEntry): void;
  /** Called after every durable write (the log sender moves its position). */
  onCommitted(listener: (entries: readonly RecordEntry[]) => void): void;
  /** Rows may be due in SQL (a retry or a give-back was written). */
  onQueuedInSql(listener: () => void): void;
  stats(): { delivered: number; failed: number; retried: number; givenBack: number };
}

export function createDeliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  const { clock, publisher } = options;
  const events = createEventSource({ source: options.source ?? 'notify/dispatcher', clock });
  const counts = { delivered: 0, failed: 0, retried: 0, givenBack: 0 };
  const committedListeners: Array<(entries: readonly RecordEntry[]) => void> = [];
  const sqlListeners: Array<() => void> = [];

  function committed(entries: readonly RecordEntry[]): void {
    let dueInSql = false;
    for (const entry of entries) {
      const { work } = entry;
      if (work.batch) {
        work.batch.pending--;
        delete work.batch;
      }
      if (entry.status === 'pending') dueInSql = true;
      if (!entry.attempt) continue;
      const base = {
        notificationId: work.notification.id,
        userId: work.notification.userId,
        kind: work.notification.kind,
        channel: work.channel,
        target: work.target,
        attempts: work.attempts,
      };
      if (entry.status === 'delivered') {
        counts.delivered++;
        publisher.publish(events.create(NotificationDelivered, { subject: base.userId, data: base }));
      } else if (entry.status === 'failed') {
        counts.failed++;
        publisher.publish(
          events.create(NotificationFailed, {
            subject: base.userId,
            data: { ...base, reason: entry.error ?? 'failed' },
          }),
        );
      } else counts.retried++;
    }
    for (const listener of committedListeners) listener(entries);
    if (dueInSql) for (const listener of sqlListeners) listener();
  }

  const recorder = createRecorder({
    sql: options.sql,
    clock,
    onCommitted: committed,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const gate = createSendGate(options.gate);
  const attempt = { ...options, observe: attemptObserver(options.metrics) };

  const recordEntry = (entry: RecordEntry) => recorder.record(entry);
  /**
   * The gate's `channel:target` key of each target, built once: a key built per delivery is a new
   * string the gate's maps hash again on every lookup, where a target's own string (shared by its
   * deliveries) and its kept key are hashed once.
   */
  const targetKeys = new Map<string, Map<string, string>>();
  const targetKey = (work: DeliveryWork): string => {
    let keys = targetKeys.get(work.channel);
    if (!keys) targetKeys.set(work.channel, (keys = new Map()));
    let key = keys.get(work.target);
    if (key === undefined) {
      if (keys.size >= 10_000) keys.clear();
      keys.set(work.target, (key = `${work.channel}:${work.target}`));
    }
    return key;
  };

  /** One delivery's turn at the gate: its methods are shared, not two closures per delivery. */
  class DeliveryJob implements GateJob {
    readonly tenant: string;
    readonly target: string;
    readonly work: DeliveryWork;
    queuedAt?: number;
    constructor(work: DeliveryWork) {
      this.work = work;
      this.tenant = work.notification.userId;
      this.target = targetKey(work);
    }
    run(): Promise<void> {
      return attemptDelivery(attempt, this.work).then(recordEntry);
    }
    expire(): void {
      giveBack(this.work);
    }
  }

  function giveBack(work: DeliveryWork): void {
    counts.givenBack++;
    recorder.record({
      work,
      status: 'pending',
      nextAttemptMs: clock.now() + GIVE_BACK_DELAY_MS,
      error: 'waiting: this receiver had no free slot',
    });
  }

  return {
    gate,
    recorder,
    submit(work) {
      if (!gate.submit(new DeliveryJob(work))) giveBack(work);
    },
    record: (entry) => recorder.record(entry),
    onCommitted: (listener) => void committedListeners.push(listener),
    onQueuedInSql: (listener) => void sqlListeners.push(listener),
    stats: () => ({ ...counts }),
  };
}
