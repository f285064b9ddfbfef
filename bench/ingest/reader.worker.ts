/**
 * @module A reader of the bench's log in its own thread, as another process would read it: the
 * embedded log opened read-only (following the writer's files), then either
 *
 * - `projection`: the candle projection (PGlite, through the consumer runner with the event
 *   registry and the projection's types, as the `platform` role runs it), timing each closed 1s
 *   candle's trade → stored lag (stored − its close time: the close is due at that instant on a
 *   paced tape); or
 * - `tail`: a consumer from the head that decodes one trade in `sampleEvery` and times exchange
 *   time → readable in the log.
 *
 * The parent posts `{ head }` when the run is over; the reader catches up to that offset (bounded
 * by `catchUpMs`), stops, and answers with its samples.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createConsumerRunner, createEmbeddedEventLog } from '@tickline/eventlog';
import { createLogger, decodeEvent, EventRegistry } from '@tickline/kernel';
import {
  createCandleProjection,
  MARKET_EVENTS,
  MARKET_MIGRATIONS_DIR,
  type Candle,
  type Trade,
} from '@tickline/market';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR } from '@tickline/store';

/** What the parent passes. */
export interface ReaderJob {
  mode: 'projection' | 'tail';
  logDir: string;
  /** Scratch directory (the projection's database). */
  dir: string;
  sampleEvery: number;
  catchUpMs: number;
  pollIntervalMs: number;
}

/** The answer. */
export interface ReaderReport {
  lags: number[];
  /** Per lag, the time it was taken for (candle close, trade exchange time), epoch ms. */
  at: number[];
  caughtUp: boolean;
  lastOffset: number;
}

const job = workerData as ReaderJob;
const port = parentPort!;
// Warnings go to stderr: a projection that fails its batches (retried, then dead-lettered) must
// say so, not report an empty lag list as if it were slow.
const logger = createLogger({ level: 'warn', name: `bench-${job.mode}`, destination: process.stderr });
const context = { logger, fail: (error: unknown) => console.error('[reader] failed', error) };
const log = await createEmbeddedEventLog({
  dir: job.logDir,
  readOnly: true,
  pollIntervalMs: job.pollIntervalMs,
});
const lags: number[] = [];
const at: number[] = [];
let lastOffset = 0;
let finish: () => Promise<void>;

if (job.mode === 'projection') {
  const sql = await createPgliteSql({ dataDir: join(job.dir, 'db') });
  // The store's tables and market's own (candles live in market's migrations since issue 9).
  await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
  const projection = createCandleProjection({ sql });
  const runner = createConsumerRunner({
    log,
    name: projection.consumer,
    registry: new EventRegistry(MARKET_EVENTS),
    types: projection.types,
    handle: async (events, ctx) => {
      await projection.handle(events, ctx);
      const now = Date.now();
      for (const e of events) {
        if (e.type !== 'market.candle.closed' || (e.data as Candle).interval !== '1s') continue;
        lags.push(now - (e.data as Candle).closeTime);
        at.push((e.data as Candle).closeTime);
      }
    },
  });
  await runner.start(context);
  const read = () => runner.stats().lastOffset;
  finish = async () => {
    lastOffset = read();
    await runner.stop();
    await sql.close();
  };
  wait(read);
} else {
  const tail = await log.consumer('bench-tail', { start: { from: 'latest' } });
  const stop = new AbortController();
  let seen = 0;
  const tailing = (async () => {
    while (!stop.signal.aborted) {
      const batch = await tail.fetch({ max: 8_192, waitMs: 100, signal: stop.signal });
      const now = Date.now();
      for (const record of batch) {
        if (record.type !== 'market.trade' || seen++ % job.sampleEvery !== 0) continue;
        const time = (decodeEvent(record.payload).data as Trade).exchangeTime;
        lags.push(now - time);
        at.push(time);
      }
      if (batch.length > 0) {
        lastOffset = batch.at(-1)!.offset;
        await tail.ack(lastOffset);
      }
    }
  })();
  finish = async () => {
    stop.abort();
    await tailing.catch(() => undefined);
    await tail.close();
  };
  wait(() => lastOffset);
}

port.postMessage({ type: 'ready' });

function wait(position: () => number): void {
  port.once('message', ({ head }: { head: number }) => {
    void (async () => {
      const deadline = performance.now() + job.catchUpMs;
      while (position() < head && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 5));
      const caughtUp = position() >= head;
      await finish();
      await log.close();
      port.postMessage({ type: 'report', lags, at, caughtUp, lastOffset } satisfies ReaderReport & {
        type: string;
      });
    })();
  });
}
