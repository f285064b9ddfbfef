/**
 * @module The log sender (service `notify-enqueue`): sends from the log. It reads
 * `notification.requested` from its durable consumer, plans each batch (preferences, rules,
 * targets, counters read in a few queries), submits the deliveries due now to the delivery engine
 * and writes held ones at once. Nothing is written before an attempt: each delivery's row is
 * written once, after it, by the recorder. The log consumer's position is the redelivery guard —
 * it moves only past batches whose deliveries are all written, so a process killed mid-send sends
 * the rest again after a restart (deliveries already written are left out). A delivery still
 * running when its batch is older than `pinAfterMs` is written as `sending` (leased) so the
 * position can move on; a slow receiver therefore never holds the log back for long.
 */
import type { EventLog, LogConsumer } from '@tickline/eventlog';
import {
  decodeEvent,
  ServiceStatus,
  type Clock,
  type EventEnvelope,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe } from '../channels/channel.ts';
import type { NotifyConfig } from '../config.ts';
import { NotificationRequested, type NotificationRequestedData } from '../events.ts';
import type { Channel } from '../kinds.ts';
import { HourlyCounts, planBatch } from '../queue/plan-batch.ts';
import { hourOf } from '../queue/targets-sql.ts';
import type { DeliveryEngine } from './engine.ts';
import type { DeliveryWork } from './recorder.ts';

/** The durable consumer name (kept from the enqueue consumer it replaces, so its position carries over). */
export const ENQUEUE_CONSUMER = 'notify-enqueue';

export interface LogSenderOptions {
  log: EventLog;
  sql: Sql;
  config: NotifyConfig;
  clock: Clock;
  engine: DeliveryEngine;
  configured: ReadonlySet<Channel>;
  /** Records per fetch. @default 500 */
  batchSize?: number;
  /** Deliveries planned but not yet written, at most; fetching waits above it. @default 4_000 */
  maxOutstanding?: number;
  /** A batch older than this has its running deliveries written as `sending`. @default 2_000 */
  pinAfterMs?: number;
  leaseMs: number;
}

export interface LogSender extends Service {
  stats(): { batches: number; planned: number; outstanding: number; acked: number };
  /** Resolves when everything fetched so far is written and acknowledged, and the log is read to its end. */
  idle(): Promise<void>;
}

/** Notification ids planned lately: a record the log hands out twice (JetStream redelivers what was
 * not acknowledged within its `ack_wait`, and this sender acknowledges only written work) is
 * dropped here, while its first copy may still be in flight and not yet in SQL. */
const RECENT_IDS = 200_000;

class RecentIds {
  readonly #set = new Set<string>();
  readonly #ring: string[] = [];
  #next = 0;
  /** True when `id` was not seen lately (and remembers it). */
  add(id: string): boolean {
    if (this.#set.has(id)) return false;
    if (this.#ring.length < RECENT_IDS) this.#ring.push(id);
    else {
      this.#set.delete(this.#ring[this.#next]!);
      this.#ring[this.#next] = id;
      this.#next = (this.#next + 1) % RECENT_IDS;
    }
    this.#set.add(id);
    return true;
  }
}

interface Batch {
  lastOffset: number;
  pending: number;
  createdAt: number;
  open: Set<DeliveryWork>;
}

export function createLogSender(options: LogSenderOptions): LogSender {
  const { log, sql, config, clock, engine } = options;
  const batchSize = options.batchSize ?? 500;
  const maxOutstanding = options.maxOutstanding ?? 4_000;
  const pinAfterMs = options.pinAfterMs ?? 2_000;
  const hourly = new HourlyCounts();
  const recent = new RecentIds();
  const abort = new AbortController();
  const batches: Batch[] = [];
  const counts = { batches: 0, planned: 0, acked: 0 };
  let outstanding = 0;
  let consumer: LogConsumer | undefined;
  let loop: Promise<void> | undefined;
  let pinTimer: NodeJS.Timeout | undefined;
  let logger: Logger | undefined;
  let lastError: unknown;
  let state: 'created' | 'running' | 'stopped' = 'created';
  let caughtUp = false;
  const waiters = { room: [] as Array<() => void>, idle: [] as Array<() => void> };

  function advance(): void {
    let last: number | undefined;
    while (batches.length > 0 && batches[0]!.pending === 0) last = batches.shift()!.lastOffset;
    if (last !== undefined && consumer) {
      counts.acked = last;
      const held = consumer;
      held.ack(last).catch((error: unknown) => logger?.warn({ err: error }, 'ack failed; redelivered later'));
    }
    if (outstanding < maxOutstanding) for (const resolve of waiters.room.splice(0)) resolve();
    if (caughtUp && batches.length === 0) for (const resolve of waiters.idle.splice(0)) resolve();
  }

  /** The batch of each delivery not yet written. */
  const batchOf = new WeakMap<DeliveryWork, Batch>();
  engine.onCommitted((entries) => {
    for (const entry of entries) {
      const batch = batchOf.get(entry.work);
      if (!batch) continue;
      batchOf.delete(entry.work);
      batch.open.delete(entry.work);
      outstanding--;
    }
    advance();
  });

  /** Writes the running deliveries of old batches as `sending`, so the log position can move on. */
  function pin(): void {
    const old = clock.now() - pinAfterMs;
    for (const batch of batches) {
      if (batch.createdAt > old) break;
      for (const work of batch.open)
        engine.record({ work, status: 'sending', leaseUntilMs: clock.now() + options.leaseMs, error: null });
    }
  }

  async function plan(events: EventEnvelope<NotificationRequestedData>[], replay: boolean) {
    for (let failures = 0; ; failures++) {
      try {
        return await planBatch(
          sql,
          { config, configured: options.configured, hourly },
          clock.now(),
          events,
          replay,
        );
      } catch (error) {
        // The database is away: the batch waits (never skipped), the position does not move.
        lastError = error;
        logger?.warn({ err: error }, 'planning a batch failed; retrying');
        await sleep(Math.min(5_000, 100 * 2 ** failures), undefined, { signal: abort.signal });
      }
    }
  }

  async function handle(records: Awaited<ReturnType<LogConsumer['fetch']>>, horizon: number) {
    const events: EventEnvelope<NotificationRequestedData>[] = [];
    for (const record of records) {
      if (record.type !== NotificationRequested.type) continue;
      try {
        const event = decodeEvent(record.payload) as EventEnvelope<NotificationRequestedData>;
        if (recent.add(event.id)) events.push(event);
      } catch (error) {
        logger?.error({ err: error, offset: record.offset }, 'undecodable notification.requested skipped');
      }
    }
    const batch: Batch = {
      lastOffset: records.at(-1)!.offset,
      pending: 0,
      createdAt: clock.now(),
      open: new Set(),
    };
    counts.batches++;
    // The batch joins the queue only once its deliveries are counted: planning awaits SQL, and an
    // earlier batch's commit landing meanwhile would otherwise find this one at `pending` 0 and
    // acknowledge its offset before anything was sent or written. A process killed after that
    // sent those notifications and never recorded them (their rows were missing after a restart).
    if (events.length === 0) batches.push(batch);
    else {
      const planned = await plan(events, records[0]!.offset <= horizon);
      batches.push(batch);
      lastError = undefined;
      const hour = hourOf(clock.now());
      for (const [userId, n] of planned.counted) engine.recorder.count(userId, hour, n);
      const all = [...planned.held.map((h) => h.work), ...planned.due];
      batch.pending = all.length;
      outstanding += all.length;
      counts.planned += all.length;
      for (const work of all) {
        work.batch = batch;
        batch.open.add(work);
        batchOf.set(work, batch);
      }
      for (const h of planned.held)
        engine.record({ work: h.work, status: 'held', nextAttemptMs: h.dueAtMs, error: h.reason });
      for (const work of planned.due) engine.submit(work);
    }
    advance();
  }

  async function run(): Promise<void> {
    let failures = 0;
    let horizon = 0;
    while (!abort.signal.aborted) {
      try {
        if (!consumer) {
          // Everything up to the head may have been sent by an earlier holder: checked against SQL.
          horizon = (await log.head()).last;
          consumer = await log.consumer(ENQUEUE_CONSUMER);
        }
        if (outstanding >= maxOutstanding)
          await new Promise<void>((resolve) => {
            waiters.room.push(resolve);
            abort.signal.addEventListener('abort', () => resolve(), { once: true });
          });
        if (abort.signal.aborted) break;
        const records = await consumer.fetch({ max: batchSize, waitMs: 1_000, signal: abort.signal });
        if (records.length === 0) {
          caughtUp = true;
          advance();
          continue;
        }
        caughtUp = false;
        await handle(records, horizon);
        failures = 0;
      } catch (error) {
        if (abort.signal.aborted) break;
        lastError = error;
        logger?.warn({ err: error }, 'log sender failed; reopening the consumer after a pause');
        await consumer?.close().catch(() => {});
        consumer = undefined;
        // What was fetched and not written is redelivered by the reopened consumer.
        batches.length = 0;
        outstanding = 0;
        await sleep(Math.min(5_000, 100 * 2 ** failures++), undefined, { signal: abort.signal }).catch(
          () => {},
        );
      }
    }
  }

  return {
    name: ENQUEUE_CONSUMER,
    stats: () => ({ ...counts, outstanding }),
    idle() {
      if (state !== 'running' || (caughtUp && batches.length === 0)) return Promise.resolve();
      return new Promise((resolve) => waiters.idle.push(resolve));
    },
    async start(context: ServiceContext) {
      logger = context.logger.child({ component: ENQUEUE_CONSUMER });
      state = 'running';
      pinTimer = setInterval(pin, Math.max(100, pinAfterMs / 2));
      pinTimer.unref();
      loop = run().catch((error: unknown) => context.fail(error));
    },
    async stop() {
      abort.abort();
      clearInterval(pinTimer);
      for (const resolve of waiters.room.splice(0)) resolve();
      await loop;
      await consumer?.close().catch(() => {});
      consumer = undefined;
      state = 'stopped';
      for (const resolve of waiters.idle.splice(0)) resolve();
    },
    health(): ServiceHealth {
      const info = { ...counts, outstanding };
      if (state === 'created') return { status: ServiceStatus.Starting };
      if (state === 'stopped') return { status: ServiceStatus.Stopped };
      if (lastError)
        return {
          status: ServiceStatus.Degraded,
          detail: `sending from the log failing: ${describe(lastError)}`,
          info,
        };
      return { status: ServiceStatus.Up, info };
    },
  };
}
