/**
 * @module The recorder: every delivery's outcome is written on its own, as soon as its attempt
 * ends — no round waits for its slowest send. Outcomes that end close together share one
 * statement (group commit: while one write runs, the next ones gather, and a small group lingers
 * up to `lingerMs` for more), which keeps the cost per delivery low without holding any send
 * back: the POST has happened by then, only its row waits. A failed write keeps its entries and is
 * tried again; nothing is dropped, and the log's position does not move past unwritten work.
 */
import type { Clock, Logger } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { AttemptRecord, ClaimedDelivery } from '../queue/delivery-sql.ts';
import { recordDeliveries, type RecordBatch } from '../queue/record-sql.ts';
import type { NotificationRow } from '../queue/rows-sql.ts';

/** A notification's row, written with the first of its deliveries (shared by them all). */
export interface NotificationPlan {
  row: NotificationRow;
  written: boolean;
}

/** A delivery on its way, from the log or from the SQL queue. */
export interface DeliveryWork extends ClaimedDelivery {
  /** Its row exists in SQL (claimed there, or written while its attempt ran). */
  stored: boolean;
  /** The notification's row, for a delivery from the log. */
  plan?: NotificationPlan;
  /** The log batch waiting for this delivery to be written (log path, until written). */
  batch?: { pending: number };
}

/** What to write about one delivery. */
export interface RecordEntry {
  work: DeliveryWork;
  /**
   * delivered / failed (final), pending (retry at `nextAttemptMs`), held (for a digest at
   * `nextAttemptMs`), sending (written while its attempt still runs, leased until `leaseUntilMs`).
   */
  status: 'delivered' | 'failed' | 'pending' | 'held' | 'sending';
  nextAttemptMs?: number;
  leaseUntilMs?: number;
  error: string | null;
  /** The attempt made; absent when none was (held, given back, written while running). */
  attempt?: AttemptRecord;
}

export interface RecorderOptions {
  sql: Sql;
  clock: Clock;
  /** Told of entries once they are durable, in the order they were recorded. */
  onCommitted: (entries: readonly RecordEntry[]) => void;
  logger?: Logger;
  /** Entries per statement at most. @default 2_000 */
  maxPerFlush?: number;
  /**
   * How long a group smaller than `eagerFlush` waits for more before it is written. The statement
   * costs PostgreSQL a parse and a plan whatever its size: in `bench:notify` groups gathered only
   * while the last write ran held ~10 outcomes, and those fixed costs were most of PostgreSQL's
   * CPU per delivery. @default 20
   */
  lingerMs?: number;
  /** A group this large is written at once. @default 500 */
  eagerFlush?: number;
}

export interface Recorder {
  record(entry: RecordEntry): void;
  /** Adds to a user's rate-limit count of a clock hour (written with the next flush). */
  count(userId: string, hour: Date, n: number): void;
  /** Resolves when everything recorded so far is written. */
  drained(): Promise<void>;
  stats(): { queued: number; flushes: number; failures: number };
}

export function createRecorder(options: RecorderOptions): Recorder {
  const { sql, clock } = options;
  const max = options.maxPerFlush ?? 2_000;
  const lingerMs = options.lingerMs ?? 20;
  const eager = options.eagerFlush ?? 500;
  /** By delivery id: a later entry for the same delivery replaces the earlier unwritten one. */
  let queued = new Map<string, RecordEntry>();
  let hourly = new Map<string, { userId: string; hour: Date; n: number }>();
  let writing = false;
  let scheduled = false;
  let linger: NodeJS.Timeout | undefined;
  let failures = 0;
  let flushes = 0;
  const drainWaiters: Array<() => void> = [];

  /** A failed write waits out its backoff: a growing queue does not cut it short. */
  let backingOff = false;
  const go = () => {
    scheduled = false;
    backingOff = false;
    linger = undefined;
    void flush();
  };

  /** Writes soon: at once for a large group, after the linger for a small one. */
  function schedule(): void {
    if (writing || backingOff) return;
    const big = queued.size >= eager;
    // A small group already lingering waits on; one that grew large goes now.
    if (scheduled && !(big && linger)) return;
    if (linger) clearTimeout(linger);
    scheduled = true;
    // setImmediate: outcomes that end in the same turn of the event loop share the statement.
    if (big) {
      linger = undefined;
      setImmediate(go);
    } else linger = setTimeout(go, lingerMs);
  }

  function retryLater(delayMs: number): void {
    scheduled = true;
    backingOff = true;
    linger = setTimeout(go, delayMs);
  }

  function take(): [RecordEntry[], typeof hourly] {
    const entries: RecordEntry[] = [];
    for (const [id, entry] of queued) {
      if (entries.length >= max) break;
      entries.push(entry);
      queued.delete(id);
    }
    const counts = hourly;
    hourly = new Map();
    return [entries, counts];
  }

  function toBatch(entries: readonly RecordEntry[], counts: typeof hourly): RecordBatch {
    const batch: RecordBatch = {
      notifications: [],
      inserts: [],
      updates: [],
      attempts: [],
      hourly: [...counts.values()],
    };
    const plans = new Set<NotificationPlan>();
    // One Date for the whole flush (only read when the rows are serialised).
    const now = new Date(clock.now());
    for (const entry of entries) {
      const { work } = entry;
      if (work.plan && !work.plan.written && !plans.has(work.plan)) {
        plans.add(work.plan);
        batch.notifications.push(work.plan.row);
      }
      if (entry.attempt) batch.attempts.push(entry.attempt);
      // Attempts so far: this one's number after an attempt or while it runs, one less otherwise.
      const attempts = entry.attempt || entry.status === 'sending' ? work.attempts : work.attempts - 1;
      const next = entry.nextAttemptMs === undefined ? null : new Date(entry.nextAttemptMs);
      const lease = entry.leaseUntilMs === undefined ? null : new Date(entry.leaseUntilMs);
      if (work.stored) {
        batch.updates.push({
          id: work.id,
          status: entry.status === 'held' ? 'pending' : entry.status,
          nextAttemptAt: next,
          leaseUntil: lease,
          error: entry.error,
          attempts,
        });
      } else {
        batch.inserts.push({
          id: work.id,
          notification_id: work.notification.id,
          user_id: work.notification.userId,
          channel: work.channel,
          target: work.target,
          status: entry.status,
          next_attempt_at: next ?? now,
          last_error: entry.error,
          attempts: Math.max(0, attempts),
          lease_until: lease,
          delivered_at: entry.status === 'delivered' ? now : null,
        });
      }
    }
    return batch;
  }

  async function flush(): Promise<void> {
    if (queued.size === 0 && hourly.size === 0) {
      for (const resolve of drainWaiters.splice(0)) resolve();
      return;
    }
    writing = true;
    const [entries, counts] = take();
    try {
      await recordDeliveries(sql, clock.now(), toBatch(entries, counts));
      flushes++;
      failures = 0;
    } catch (error) {
      failures++;
      options.logger?.warn({ err: error, entries: entries.length }, 'recording deliveries failed; retrying');
      // Put them back in front (a newer entry for the same delivery, queued meanwhile, wins).
      const back = new Map(entries.map((e) => [e.work.id, e]));
      for (const [id, entry] of queued) back.set(id, entry);
      queued = back;
      for (const [key, c] of counts) {
        const merged = hourly.get(key);
        hourly.set(key, merged ? { ...c, n: c.n + merged.n } : c);
      }
      writing = false;
      retryLater(Math.min(5_000, 100 * 2 ** failures));
      return;
    }
    for (const entry of entries) {
      entry.work.stored = true;
      if (entry.work.plan) entry.work.plan.written = true;
    }
    writing = false;
    if (queued.size > 0 || hourly.size > 0) schedule();
    else for (const resolve of drainWaiters.splice(0)) resolve();
    options.onCommitted(entries);
  }

  return {
    record(entry) {
      queued.set(entry.work.id, entry);
      schedule();
    },
    count(userId, hour, n) {
      if (n <= 0) return;
      const key = `${userId}|${hour.getTime()}`;
      const c = hourly.get(key);
      if (c) c.n += n;
      else hourly.set(key, { userId, hour, n });
      schedule();
    },
    drained() {
      if (!writing && !scheduled && queued.size === 0 && hourly.size === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    stats: () => ({ queued: queued.size, flushes, failures }),
  };
}
