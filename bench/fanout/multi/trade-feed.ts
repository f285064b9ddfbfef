/**
 * @module The publisher of the multi-process rows: `market.trade` events appended to the NATS event
 * log through the eventlog `Publisher` — the collector's own path (fire-and-forget, batched
 * appends) — at a fixed rate. It runs in the load generator's process, so the publish time of each
 * event is kept here by seq and the clients need no timestamp in the message (a validated trade
 * carries only integer milliseconds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNatsEventLog, createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import { createEventSource, silentLogger } from '@tickline/kernel';
import { MarketTrade } from '@tickline/market';
import { progress } from '../../lib/report.ts';
import { nowMs } from '../payload.ts';

/** The symbol of {@link BENCH_CHANNEL}. */
const SYMBOL = 'BTC-USD';
/** Seqs a whole run can publish (one array shared by every phase: seqs never repeat across phases). */
const MAX_SEQS = 1 << 20;

/** What {@link TradeFeed.run} saw: the window's seqs and the samples taken at its two ends. */
export interface FeedWindow<S> {
  firstSeq: number;
  lastSeq: number;
  elapsedMs: number;
  before: S;
  after: S;
}

export interface TradeFeed {
  /** Publish time (ms, `nowMs`) of each seq; 0 for a seq not published. */
  readonly sentAt: Float64Array;
  /** Data bytes of one event as JSON (what the gateway puts in a frame). */
  readonly dataBytes: number;
  /**
   * Publishes `rate`/s for `warmupMs`, then a measured `windowMs`; `sample` runs at both ends.
   * Seq `n` is a trade of `symbols[n % symbols.length]` (default: {@link SYMBOL} only).
   */
  run<S>(
    rate: number,
    warmupMs: number,
    windowMs: number,
    sample: () => S,
    symbols?: readonly string[],
  ): Promise<FeedWindow<S>>;
  close(): Promise<void>;
}

/** A trade as a collector publishes it (schema order: the gateway re-emits the validated object). */
function trade(seq: number, now: number, symbol = SYMBOL) {
  const ms = Math.floor(now);
  return {
    exchange: 'bench',
    symbol,
    tradeId: `t-${seq.toString().padStart(10, '0')}`,
    price: 64_123.45 + (seq % 100) / 100,
    size: 0.0123,
    side: seq % 2 === 0 ? ('buy' as const) : ('sell' as const),
    exchangeTime: ms,
    receivedAt: ms,
    seq,
  };
}

/** Opens the log the gateways read (`stream`, the server's subject rule) and starts a publisher. */
export async function openTradeFeed(servers: string, stream: string): Promise<TradeFeed> {
  const spillDir = mkdtempSync(join(tmpdir(), 'tickline-bench-feed-'));
  const log: EventLog = await createNatsEventLog({ servers, stream, subjectPrefix: `tickline.${stream}` });
  const publisher: Publisher = createPublisher({ log, spillDir, name: 'bench-feed' });
  await publisher.start({
    logger: silentLogger,
    fail: (error: unknown) => progress(`feed publisher failed: ${String(error)}`),
  });
  const events = createEventSource({ source: 'collector/bench' });
  const sentAt = new Float64Array(MAX_SEQS);
  let seq = 0;

  return {
    sentAt,
    dataBytes: Buffer.byteLength(JSON.stringify(trade(1, nowMs()))),
    run<S>(
      rate: number,
      warmupMs: number,
      windowMs: number,
      sample: () => S,
      symbols: readonly string[] = [SYMBOL],
    ): Promise<FeedWindow<S>> {
      const intervalMs = 1000 / rate;
      const start = performance.now();
      let next = start;
      let window: { at: number; firstSeq: number; before: S } | undefined;
      return new Promise((resolve) => {
        const tick = () => {
          const now = performance.now();
          if (window === undefined && now - start >= warmupMs)
            window = { at: now, firstSeq: seq + 1, before: sample() };
          if (window !== undefined && now - window.at >= windowMs) {
            const after = sample();
            const { firstSeq, before } = window;
            resolve({ firstSeq, lastSeq: seq, elapsedMs: now - window.at, before, after });
            return;
          }
          if (++seq >= MAX_SEQS) throw new Error('trade feed: out of seqs for this run');
          const publishedAt = nowMs();
          sentAt[seq] = publishedAt;
          const symbol = symbols[seq % symbols.length]!;
          publisher.publish(
            events.create(MarketTrade, { subject: symbol, data: trade(seq, publishedAt, symbol) }),
          );
          next += intervalMs;
          setTimeout(tick, Math.max(0, next - performance.now()));
        };
        tick();
      });
    },
    async close() {
      await publisher.stop();
      await log.close();
      rmSync(spillDir, { recursive: true, force: true });
    },
  };
}
