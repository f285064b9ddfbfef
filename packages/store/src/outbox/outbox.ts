/**
 * @module A transactional outbox: a domain stores each event envelope with its state in one
 * transaction; after the commit the outbox hands the envelopes to the publisher (fire-and-forget)
 * and, once the log has them, marks their rows published. At start, rows still unmarked (the
 * process died before the log acknowledged them) are sent again with the same ids — so a committed
 * event is always announced, at most deduplicated, never lost. The rows and their table belong to
 * the domain; it supplies the two queries.
 */
import {
  ServiceStatus,
  type EventEnvelope,
  type Logger,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '../port/sql.ts';

/** How long a send waits for the log before leaving its rows for the next start. */
export const OUTBOX_FLUSH_TIMEOUT_MS = 30_000;
/** Unpublished rows re-sent per query at start. */
export const OUTBOX_RESEND_BATCH = 1_000;

/** The publisher as the outbox needs it (eventlog's `Publisher` fits). */
export interface OutboxPublisher {
  publish(event: EventEnvelope): unknown;
  /** Resolves true once everything published so far is in the log, false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
}

/** Options for {@link createOutbox}. */
export interface OutboxOptions<T> {
  /** The service name (`account-snapshot-outbox`). */
  name: string;
  /** What the events announce, for log lines (`snapshot`). */
  what: string;
  sql: Sql;
  publisher: OutboxPublisher;
  /** Up to `limit` unmarked envelopes, in a stable order, after `after` when given. */
  unpublished(sql: Sql, limit: number, after: EventEnvelope<T> | undefined): Promise<EventEnvelope<T>[]>;
  /** Marks the rows of `events` published. */
  markPublished(sql: Sql, events: readonly EventEnvelope<T>[]): Promise<void>;
  /** @default 30_000 */
  flushTimeoutMs?: number;
}

/** The outbox as a service: re-sends unmarked rows on start. */
export interface Outbox<T> extends Service {
  /** Publishes committed events and marks their rows once the log acknowledged them. */
  send(events: readonly EventEnvelope<T>[]): void;
}

export function createOutbox<T>(options: OutboxOptions<T>): Outbox<T> {
  const { sql, publisher, what } = options;
  const flushTimeoutMs = options.flushTimeoutMs ?? OUTBOX_FLUSH_TIMEOUT_MS;
  const pending = new Set<Promise<void>>();
  /** Events sent this turn, marked together (see send). */
  let unmarked: EventEnvelope<T>[] = [];
  let logger: Logger | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;

  async function mark(events: readonly EventEnvelope<T>[]): Promise<void> {
    const inLog = await publisher.flush(flushTimeoutMs);
    // Stopping: the database may be closing. Unmarked rows are only re-sent (deduplicated) later.
    if (state !== ServiceStatus.Up) return;
    if (!inLog) {
      logger?.warn(
        { events: events.length },
        `event log slow: ${what} events stay queued in the publisher; re-sent at next start if lost`,
      );
      return;
    }
    await options.markPublished(sql, events);
  }

  function markTurn(): void {
    const events = unmarked;
    unmarked = [];
    const marking = mark(events)
      .catch((error: unknown) => logger?.warn({ err: error }, `marking ${what} events published failed`))
      .finally(() => pending.delete(marking));
    pending.add(marking);
  }

  function send(events: readonly EventEnvelope<T>[]): void {
    if (events.length === 0) return;
    for (const event of events) publisher.publish(event);
    // Marked with every other send of this turn: a candle close's fills are sent one order at a
    // time, and one flush wait and one statement each was a round trip per fill.
    if (unmarked.length === 0) setImmediate(markTurn);
    for (const event of events) unmarked.push(event);
  }

  return {
    name: options.name,
    send,
    async start(context) {
      logger = context.logger;
      state = ServiceStatus.Up;
      // Re-sent without waiting for the log: a start never blocks on an event log outage.
      let resent = 0;
      let after: EventEnvelope<T> | undefined;
      for (;;) {
        const events = await options.unpublished(sql, OUTBOX_RESEND_BATCH, after);
        if (events.length === 0) break;
        send(events);
        resent += events.length;
        after = events.at(-1);
      }
      if (resent > 0) logger.info({ resent }, `re-sent ${what} events the log had not acknowledged`);
    },
    async stop() {
      state = ServiceStatus.Stopping;
      pending.clear();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state, info: { marking: pending.size } };
    },
  };
}
