/**
 * @module What the event stream looks like now: the log's head, event rates per type over a
 * recent window, every durable consumer's position and lag (`EventLog.consumers()`), and the SQL
 * projections' checkpoints. Rates come from the log itself — the times of its newest records —
 * so any process reading the log reports the same figures, whatever it consumes.
 */
import type { EventLog, LogHealth, LogHead } from '@tickline/eventlog';
import type { SqlQueryable } from '@tickline/store';

/** Window of the rates. */
export const DEFAULT_RATE_WINDOW_MS = 60_000;
/**
 * Newest records read for the rates. Above `limit / windowMs` events per second the window
 * shrinks to the span those records cover (reported as `windowMs`).
 */
export const DEFAULT_RATE_SAMPLE_RECORDS = 5_000;

/** Options for {@link streamOverview}. */
export interface StreamOverviewOptions {
  log: EventLog;
  /** For the projections' checkpoints (`consumer_checkpoints`). */
  sql?: SqlQueryable;
  nowMs: number;
  /** @default 60_000 */
  windowMs?: number;
  /** @default 5_000 */
  sampleRecords?: number;
}

/** Events of one type in the window. */
export interface TypeRate {
  type: string;
  count: number;
  perSecond: number;
}

/** The overview. */
export interface StreamOverview {
  log: { name: string; head: LogHead; health: LogHealth };
  rates: { windowMs: number; total: number; perSecond: number; byType: TypeRate[] };
  consumers: Array<{ name: string; acked: number; lag: number }>;
  checkpoints: Array<{ consumer: string; position: number; lastEventId: string | null; updatedAt: Date }>;
}

/** Per-type rates of the newest records. Exported for tests. */
export function ratesOf(
  records: ReadonlyArray<{ type: string; time: number }>,
  nowMs: number,
  windowMs: number,
  sampleFull: boolean,
): StreamOverview['rates'] {
  const inWindow = records.filter((r) => r.time > nowMs - windowMs && r.time <= nowMs);
  // A full sample that starts inside the window covers only part of it: rate over that part.
  const oldest = inWindow[0]?.time;
  const span =
    sampleFull && oldest !== undefined && records[0]!.time > nowMs - windowMs ? nowMs - oldest : windowMs;
  const seconds = Math.max(span, 1) / 1000;
  const counts = new Map<string, number>();
  for (const record of inWindow) counts.set(record.type, (counts.get(record.type) ?? 0) + 1);
  const byType = [...counts]
    .map(([type, count]) => ({ type, count, perSecond: count / seconds }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  return { windowMs: span, total: inWindow.length, perSecond: inWindow.length / seconds, byType };
}

/** Reads the overview. */
export async function streamOverview(options: StreamOverviewOptions): Promise<StreamOverview> {
  const { log, nowMs } = options;
  const windowMs = options.windowMs ?? DEFAULT_RATE_WINDOW_MS;
  const sampleRecords = options.sampleRecords ?? DEFAULT_RATE_SAMPLE_RECORDS;
  const head = await log.head();
  const from = Math.max(head.first, head.last - sampleRecords + 1, 1);
  const records = head.last === 0 ? [] : await log.read({ from, limit: sampleRecords });
  const consumers = await log.consumers();
  const checkpoints = options.sql
    ? (
        await options.sql.query<{
          consumer: string;
          position: number;
          last_event_id: string | null;
          updated_at: Date;
        }>('select consumer, position, last_event_id, updated_at from consumer_checkpoints order by consumer')
      ).rows.map((r) => ({
        consumer: r.consumer,
        position: Number(r.position),
        lastEventId: r.last_event_id,
        updatedAt: r.updated_at,
      }))
    : [];
  return {
    log: { name: log.name, head, health: log.health() },
    rates: ratesOf(records, nowMs, windowMs, records.length >= sampleRecords),
    consumers: consumers
      .map((c) => ({ name: c.name, acked: c.acked, lag: c.lag }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    checkpoints,
  };
}
