/**
 * @module The dispatcher: a service that claims due deliveries from the SQL queue, sends each
 * through its channel (many in flight), records every attempt, schedules retries on the retry
 * schedule, and publishes `notification.delivered` / `notification.failed`. A claimed row is
 * leased: if the process dies mid-send the lease expires and the row is sent again with the same
 * notification id (at-least-once; receivers dedupe). A row is marked delivered in the same
 * statement batch that logs the attempt, so nothing that succeeded is sent again.
 */
import type { Publisher } from '@tickline/eventlog';
import {
  createEventSource,
  ServiceStatus,
  type Clock,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, type NotificationChannel, type SendResult } from '../channels/channel.ts';
import { NotificationDelivered, NotificationFailed } from '../events.ts';
import type { Channel } from '../kinds.ts';
import {
  claimDue,
  completeDeliveries,
  releaseHeld,
  type AttemptRecord,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from '../queue/delivery-sql.ts';
import { nextDelayMs, type RetryPolicy } from '../queue/retry-schedule.ts';
import type { NotifyMetrics } from './notify-metrics.ts';

export interface DispatcherOptions {
  sql: Sql;
  publisher: Publisher;
  clock: Clock;
  channels: ReadonlyMap<Channel, NotificationChannel>;
  retry: RetryPolicy;
  pollIntervalMs: number;
  batchSize: number;
  concurrency: number;
  leaseMs: number;
  /** Claim-send-complete loops running at once. @default 4 */
  workers?: number;
  /**
   * Sends in flight to one target (endpoint, address) at most, so one slow receiver cannot take
   * every slot. @default 16
   */
  perTargetConcurrency?: number;
  metrics?: NotifyMetrics;
  /** @default 'notify/dispatcher' */
  source?: string;
}

/** Dispatch loops per process. */
export const DEFAULT_DISPATCH_WORKERS = 4;
/** Sends in flight to one target at most. */
export const DEFAULT_PER_TARGET_CONCURRENCY = 16;
/** Deliveries waiting in memory after a hand-off, at most (beyond that, enqueue queues them in SQL). */
export const HANDOFF_CAPACITY = 2_000;

/** A delivery the enqueue consumer inserted already leased and hands over in memory. */
export interface HandedDelivery extends ClaimedDelivery {
  leaseUntilMs: number;
}

/**
 * The in-process hand-off from the enqueue consumer: a delivery due now is inserted already leased
 * (`sending`, attempt 1) and given to the dispatcher directly, which saves the claim — a query
 * and a row update per delivery. Slots are reserved before the insert and released if its
 * transaction fails; a crash before the send leaves a leased row the SQL claim retakes after the
 * lease, as for any claimed delivery.
 */
export interface DeliveryHandoff {
  /** How long a handed delivery is leased (the dispatcher's `leaseMs`). */
  readonly leaseMs: number;
  /** Grants up to `n` slots (0 when the dispatcher is not running or its queue is full). */
  reserve(n: number): number;
  /** Gives back reserved slots that will not be used (the insert failed). */
  release(n: number): void;
  /** Hands over deliveries for reserved slots, after their insert committed. */
  accept(deliveries: readonly HandedDelivery[]): void;
}

export interface Dispatcher extends Service, DeliveryHandoff {
  /** Look for due work now (new deliveries were queued). */
  wake(): void;
  /** Resolves when a round found nothing due. */
  idle(): Promise<void>;
  stats(): { delivered: number; failed: number; retried: number };
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { sql, publisher, clock, channels, metrics } = options;
  const events = createEventSource({ source: options.source ?? 'notify/dispatcher', clock });
  const counts = { delivered: 0, failed: 0, retried: 0 };
  const abort = new AbortController();
  const wakers = new Set<() => void>();
  let woken = false;
  /**
   * Rows may be due in SQL now (a `wake()`): the next round claims there. Without it a round
   * claims in SQL only once per poll interval after one found nothing — a hand-off wakes every
   * loop, and each loop that found the hand-off empty used to run an empty claim (2,344 of them in
   * one run of `bench:notify`, a third of the queries the dispatcher made).
   */
  let sqlWanted = true;
  let sqlCheckAfterMs = 0;
  let loop: Promise<void> | undefined;
  let logger: Logger | undefined;
  let lastError: unknown;
  let state: 'created' | 'running' | 'stopped' = 'created';
  const idleWaiters: Array<() => void> = [];
  let lastRelease = Number.NEGATIVE_INFINITY;
  const perRound = Math.max(1, Math.ceil(options.batchSize / (options.workers ?? DEFAULT_DISPATCH_WORKERS)));
  const handed: HandedDelivery[] = [];
  /** Slots reserved or holding a handed delivery. */
  let reserved = 0;

  /**
   * Up to `limit` handed deliveries. One whose lease is half gone is left to the SQL claim (which
   * retakes it when the lease expires), so a backlog in memory never races another dispatcher.
   */
  function takeHanded(limit: number, nowMs: number): ClaimedDelivery[] {
    const out: ClaimedDelivery[] = [];
    while (out.length < limit && handed.length > 0) {
      const d = handed.shift()!;
      reserved--;
      if (d.leaseUntilMs - nowMs > options.leaseMs / 2) out.push(d);
    }
    return out;
  }

  const perTarget = options.perTargetConcurrency ?? DEFAULT_PER_TARGET_CONCURRENCY;
  const inFlight = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();

  /** Waits for a slot of `target` (at most `perTarget` sends to one target at once). */
  async function acquire(target: string): Promise<void> {
    while ((inFlight.get(target) ?? 0) >= perTarget) {
      await new Promise<void>((resolve) => {
        const queue = waiting.get(target);
        if (queue) queue.push(resolve);
        else waiting.set(target, [resolve]);
      });
    }
    inFlight.set(target, (inFlight.get(target) ?? 0) + 1);
  }

  function releaseSlot(target: string): void {
    const n = (inFlight.get(target) ?? 1) - 1;
    if (n === 0) inFlight.delete(target);
    else inFlight.set(target, n);
    const queue = waiting.get(target);
    const next = queue?.shift();
    if (queue && queue.length === 0) waiting.delete(target);
    next?.();
  }

  async function sendOne(d: ClaimedDelivery): Promise<{ result: SendResult; durationMs: number }> {
    const key = `${d.channel}:${d.target}`;
    await acquire(key);
    try {
      return await sendNow(d);
    } finally {
      releaseSlot(key);
    }
  }

  async function sendNow(d: ClaimedDelivery): Promise<{ result: SendResult; durationMs: number }> {
    const channel = channels.get(d.channel);
    const started = performance.now();
    let result: SendResult;
    if (!channel) result = { outcome: 'rejected', error: `channel ${d.channel} is not configured` };
    else {
      try {
        result = await channel.send({
          deliveryId: d.id,
          notification: d.notification,
          target: d.target,
          attempt: d.attempts,
        });
      } catch (error) {
        result = { outcome: 'retry', error: describe(error) };
      }
    }
    return { result, durationMs: Math.round(performance.now() - started) };
  }

  /** What a round returns when it neither had a hand-off nor looked in SQL. */
  const SKIPPED = -1;

  /** Sends one batch; returns how many deliveries it handled, or {@link SKIPPED}. */
  async function round(): Promise<number> {
    const now = clock.now();
    // Held rows are due at most once per poll interval: one worker folding them is enough.
    if (performance.now() - lastRelease >= options.pollIntervalMs) {
      lastRelease = performance.now();
      await releaseHeld(sql, now);
    }
    let claimed = takeHanded(perRound, now);
    if (claimed.length === 0) {
      if (!sqlWanted && performance.now() < sqlCheckAfterMs) return SKIPPED;
      // Cleared before the query: a wake() while it runs asks for another claim.
      sqlWanted = false;
      claimed = await claimDue(sql, now, now + options.leaseMs, perRound);
      if (claimed.length === 0) {
        sqlCheckAfterMs = performance.now() + options.pollIntervalMs;
        return 0;
      }
    }
    const outcomes: DeliveryOutcome[] = [];
    const attempts: AttemptRecord[] = [];
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const d = claimed[next++]!;
        const { result, durationMs } = await sendOne(d);
        const attemptedAt = clock.now();
        attempts.push({
          delivery_id: d.id,
          notification_id: d.notification.id,
          channel: d.channel,
          target: d.target,
          ok: result.outcome === 'delivered',
          status_code: result.statusCode ?? null,
          response_excerpt: result.excerpt ?? null,
          error: result.outcome === 'delivered' ? null : result.error,
          duration_ms: durationMs,
          attempted_at: new Date(attemptedAt),
        });
        metrics?.attempts.inc({ channel: d.channel, outcome: result.outcome });
        if (result.outcome === 'delivered') {
          outcomes.push({ id: d.id, status: 'delivered' });
          metrics?.latency.observe(
            { channel: d.channel },
            (attemptedAt - Date.parse(d.notification.createdAt)) / 1000,
          );
          continue;
        }
        const delay =
          result.outcome === 'retry'
            ? nextDelayMs(options.retry, d.attempts, Math.random(), result.retryAfterMs)
            : undefined;
        if (delay !== undefined)
          outcomes.push({
            id: d.id,
            status: 'pending',
            nextAttemptMs: attemptedAt + delay,
            error: result.error,
          });
        else outcomes.push({ id: d.id, status: 'failed', error: result.error });
      }
    };
    const parallel = Math.max(
      1,
      Math.floor(options.concurrency / (options.workers ?? DEFAULT_DISPATCH_WORKERS)),
    );
    await Promise.all(Array.from({ length: Math.min(parallel, claimed.length) }, worker));
    await completeDeliveries(sql, clock.now(), outcomes, attempts);
    const byId = new Map(claimed.map((d) => [d.id, d]));
    for (const o of outcomes) {
      const d = byId.get(o.id)!;
      const base = {
        notificationId: d.notification.id,
        userId: d.notification.userId,
        kind: d.notification.kind,
        channel: d.channel,
        target: d.target,
        attempts: d.attempts,
      };
      if (o.status === 'delivered') {
        counts.delivered++;
        publisher.publish(
          events.create(NotificationDelivered, { subject: d.notification.userId, data: base }),
        );
      } else if (o.status === 'failed') {
        counts.failed++;
        publisher.publish(
          events.create(NotificationFailed, {
            subject: d.notification.userId,
            data: { ...base, reason: o.error ?? 'failed' },
          }),
        );
      } else counts.retried++;
    }
    return claimed.length;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      let n: number;
      try {
        n = await round();
        lastError = undefined;
        failures = 0;
        if (n > 0) continue;
      } catch (error) {
        if (abort.signal.aborted) break;
        lastError = error;
        logger?.warn({ err: error }, 'dispatch round failed; retrying after a pause');
        await sleep(Math.min(5_000, 100 * 2 ** failures++), undefined, { signal: abort.signal }).catch(
          () => {},
        );
        continue;
      }
      // Idle means SQL was looked at and had nothing due, not that a round skipped it.
      if (n === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      if (woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const wakeUp = () => {
          clearTimeout(timer);
          wakers.delete(wakeUp);
          // Without this every idle poll left a listener (and its timer) on the signal for the
          // life of the process: 6,970 of each after 8.5 minutes in a heap snapshot of npm start.
          abort.signal.removeEventListener('abort', wakeUp);
          resolve();
        };
        const timer = setTimeout(() => {
          sqlWanted = true;
          wakeUp();
        }, options.pollIntervalMs);
        wakers.add(wakeUp);
        abort.signal.addEventListener('abort', wakeUp, { once: true });
      });
    }
  }

  /** Wakes the loops; `sql`: rows may be due in SQL, not only in the hand-off. */
  function wakeLoops(sqlToo: boolean): void {
    if (sqlToo) sqlWanted = true;
    woken = true;
    for (const wakeUp of [...wakers]) wakeUp();
  }
  const wake = (): void => wakeLoops(true);

  return {
    name: 'notify-dispatcher',
    leaseMs: options.leaseMs,
    reserve(n) {
      if (state !== 'running') return 0;
      const granted = Math.max(0, Math.min(n, HANDOFF_CAPACITY - reserved));
      reserved += granted;
      return granted;
    },
    release(n) {
      reserved = Math.max(0, reserved - n);
    },
    accept(deliveries) {
      if (deliveries.length === 0) return;
      handed.push(...deliveries);
      wakeLoops(false);
    },
    wake,
    idle() {
      if (state !== 'running') return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stats: () => ({ ...counts }),
    async start(context: ServiceContext) {
      logger = context.logger.child({ component: 'notify-dispatcher' });
      state = 'running';
      // Several loops, so one's SQL (claim, complete) overlaps another's HTTP; SKIP LOCKED keeps
      // their claims disjoint.
      loop = Promise.all(Array.from({ length: options.workers ?? DEFAULT_DISPATCH_WORKERS }, run))
        .then(() => undefined)
        .catch((error: unknown) => context.fail(error));
    },
    async stop() {
      abort.abort();
      for (const wakeUp of [...wakers]) wakeUp();
      await loop;
      state = 'stopped';
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
    health(): ServiceHealth {
      if (state === 'created') return { status: ServiceStatus.Starting };
      if (state === 'stopped') return { status: ServiceStatus.Stopped };
      if (lastError)
        return {
          status: ServiceStatus.Degraded,
          detail: `dispatch failing: ${describe(lastError)}`,
          info: counts,
        };
      return { status: ServiceStatus.Up, info: counts };
    },
  };
}
