/**
 * @module The old whole-log reading, held beside bench:scale's interest rows so their saving is
 * measured in the same run rather than computed. Before delivery by interest, every gateway tailed
 * the whole delivery log from `latest` with a durable consumer of its own (`realtime-bridge-<node>`:
 * fetch, ack, repeat; commit 8e92ee9 removed it). This reader does the same on the same
 * nats-server: the log is opened with the options a gateway of the cluster opens it with
 * (`natsLogOptions` of the cluster's own config: the `<stream>_RT` stream, its segmented
 * `tickline.<stream>_RT.>` subjects), and its one unfiltered consumer takes every record the
 * relay appends, whichever channel. What it counts per second is what each gateway of the old
 * design received.
 */
import { createNatsEventLog, type EventLog, type LogConsumer } from '@tickline/eventlog';
import { silentLogger } from '@tickline/kernel';
import { loadTicklineConfig, LogKind, natsLogOptions } from '@tickline/server/internal';
import { progress } from '../lib/report.ts';

/** Records per fetch and how long a fetch waits for the first: the old bridge's loop shape. */
const FETCH_MAX = 256;
const FETCH_WAIT_MS = 200;
/** nats-server removes the durable this long after the reader lets go (a crashed run leaves none). */
const EXPIRE_AFTER_MS = 10_000;

export interface WholeLogReader {
  /** The stream read and the subjects it captures (printed with the rows). */
  readonly stream: string;
  readonly subjects: string;
  /**
   * Records appended to the log in `[fromMs, toMs)` (their log time) that the reader has received,
   * by channel kind (`c:market:*:trades`, `c:market:*:ticker`, …). Counted by append time, not
   * by when they arrived: the reader shares the load generator's core and may trail the log by a
   * second at load, so ask once it has caught up (after the window's stragglers).
   */
  receivedBetween(fromMs: number, toMs: number): Map<string, number>;
  close(): Promise<void>;
}

/**
 * A delivery key's kind of channel: `c:market:C07-USD:trades` → `c:market:*:trades`; hashed
 * families (`h:user:<hash>`) → `h:user:*`.
 */
function familyOf(key: string): string {
  const segments = key.split(':');
  if (segments[0] === 'h') return `h:${segments[1] ?? ''}:*`;
  return segments.length > 3 ? [...segments.slice(0, 2), '*', ...segments.slice(3)].join(':') : key;
}

/** Opens the delivery log of the cluster whose processes run with `env`, tailing it from now. */
export async function openWholeLogReader(
  env: Readonly<Record<string, string | undefined>>,
): Promise<WholeLogReader> {
  const spec = natsLogOptions(loadTicklineConfig({ env }), LogKind.Realtime);
  const log: EventLog = await createNatsEventLog({ ...spec, logger: silentLogger });
  let consumer: LogConsumer;
  try {
    consumer = await log.consumer(`bench-whole-log-${process.pid}-${Date.now()}`, {
      start: { from: 'latest' },
      expireAfterMs: EXPIRE_AFTER_MS,
    });
  } catch (error) {
    await log.close();
    throw error;
  }
  const abort = new AbortController();
  const received: { time: number; family: string }[] = [];
  const loop = (async () => {
    while (!abort.signal.aborted) {
      let records;
      try {
        records = await consumer.fetch({ max: FETCH_MAX, waitMs: FETCH_WAIT_MS, signal: abort.signal });
      } catch (error) {
        if (abort.signal.aborted) return;
        progress(`whole-log reader: fetch failed: ${String(error)}`);
        continue;
      }
      if (records.length === 0) continue;
      for (const record of records) {
        received.push({ time: record.time, family: familyOf(record.key) });
      }
      await consumer.ack(records.at(-1)!.offset).catch(() => undefined);
    }
  })();
  return {
    stream: spec.stream ?? '',
    subjects: `${spec.subjectPrefix}.>`,
    receivedBetween(fromMs, toMs) {
      const families = new Map<string, number>();
      for (const { time, family } of received)
        if (time >= fromMs && time < toMs) families.set(family, (families.get(family) ?? 0) + 1);
      return families;
    },
    async close() {
      abort.abort();
      await loop;
      await consumer.close();
      await log.close();
    },
  };
}
