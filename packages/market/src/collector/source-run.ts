/**
 * @module Running one source inside the collector: start, subscribe, pump its messages into the
 * ingest, follow its status. Failures stay here — logged, reported as `failed` — so a broken
 * source never stops the others. The pump yields to the event loop every few hundred messages or
 * milliseconds: a source that never waits (CSV or the simulator at full speed) would otherwise
 * run in microtasks alone and starve timers, HTTP and the publisher's drain.
 */
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Logger } from '@tickline/kernel';
import type { MarketKind } from '../port/market-message.ts';
import type { MarketSource } from '../port/market-source.ts';
import { SourceState, type SourceStatusChange } from '../port/source-status.ts';
import type { SourceIngest } from './source-ingest.ts';

/** Messages handled between two yields to the event loop. */
export const PUMP_YIELD_EVERY_MESSAGES = 512;
/** Longest the pump runs without yielding. */
export const PUMP_YIELD_EVERY_MS = 10;
/** How often a paused replay checks whether the publisher has drained. */
export const CONGESTION_POLL_MS = 5;

/** What `/markets/sources` shows of one source. */
export interface SourceReport {
  name: string;
  exchange: string;
  state: SourceState;
  /** Epoch ms of the last state change. */
  since: number;
  detail?: string;
  symbols: readonly string[];
  trades: number;
  rejected: number;
  /** Exchange time of the last accepted trade. */
  lastTradeAt: number | null;
  /** Accepted trades per second over the last few seconds. */
  tradesPerSecond: number;
}

/** Options for {@link runSource}. */
export interface SourceRunOptions {
  source: MarketSource;
  /** Historical data: candles close on data time only; pulled no faster than the log takes it. */
  replay: boolean;
  /** True while the publisher's queue is congested (replays pause then). */
  congested?: () => boolean;
  symbols: readonly string[];
  kinds: readonly MarketKind[];
  ingest: SourceIngest;
  clock: Clock;
  logger: Logger;
  onStatus: (change: SourceStatusChange) => void;
}

/** A running source. */
export interface SourceRun {
  readonly ingest: SourceIngest;
  readonly replay: boolean;
  report(): SourceReport;
  /** Closes the trades/s window when it is due (called by the collector's timer). */
  sample(nowMs: number): void;
  /** Stops the source and waits for its pump to end. */
  stop(): Promise<void>;
}

// Trades/s is measured over windows of this length (the last complete one is reported).
const RATE_WINDOW_MS = 5_000;

/** Starts `source` in the background; never throws. */
export function runSource(options: SourceRunOptions): SourceRun {
  const { source, ingest, clock, logger } = options;
  let status: SourceStatusChange = {
    source: source.name,
    exchange: source.exchange,
    state: source.state(),
    at: clock.now(),
  };
  let failure: string | undefined;
  let window = { startedAt: clock.now(), trades: 0, rate: 0 };

  const fail = (error: unknown, what: string): void => {
    failure = error instanceof Error ? error.message : String(error);
    status = { ...status, state: SourceState.Failed, at: clock.now(), detail: failure };
    options.onStatus(status);
    logger.error({ err: error }, `market source ${what} failed; the other sources continue`);
  };

  const watching = (async () => {
    for await (const change of source.status()) {
      if (failure !== undefined) continue;
      status = change;
      options.onStatus(change);
      if (change.state === SourceState.Failed) logger.warn({ detail: change.detail }, 'market source failed');
      else logger.info({ state: change.state, detail: change.detail }, 'market source status');
    }
  })().catch((error: unknown) =>
    logger.warn({ err: error }, 'market source status stream ended with an error'),
  );

  const pumping = (async () => {
    try {
      await source.start({ logger, fail: (error) => fail(error, 'background work') });
      await source.subscribe(options.symbols, options.kinds);
    } catch (error) {
      fail(error, 'start');
      return;
    }
    try {
      let count = 0;
      let since = clock.monotonic();
      for await (const message of source.messages()) {
        ingest.onMessage(message);
        if (++count >= PUMP_YIELD_EVERY_MESSAGES || clock.monotonic() - since >= PUMP_YIELD_EVERY_MS) {
          count = 0;
          await yieldToEventLoop();
          // A replay has no clock to keep up with: let the log drain instead of spilling to disk.
          // A live source is never paused; the publisher's buffer and spill take its bursts.
          while (options.replay && options.congested?.()) await sleep(CONGESTION_POLL_MS);
          since = clock.monotonic();
        }
      }
    } catch (error) {
      fail(error, 'stream');
    }
  })();

  return {
    ingest,
    replay: options.replay,
    sample(now) {
      if (now - window.startedAt < RATE_WINDOW_MS) return;
      const trades = ingest.stats.trades;
      window = { startedAt: now, trades, rate: ((trades - window.trades) * 1000) / (now - window.startedAt) };
    },
    report() {
      return {
        name: source.name,
        exchange: source.exchange,
        state: status.state,
        since: status.at,
        ...(status.detail === undefined ? {} : { detail: status.detail }),
        symbols: options.symbols,
        trades: ingest.stats.trades,
        rejected: ingest.stats.rejected,
        lastTradeAt: ingest.stats.lastTradeAt,
        tradesPerSecond: Math.round(window.rate * 10) / 10,
      };
    },
    async stop() {
      try {
        await source.stop();
      } catch (error) {
        logger.warn({ err: error }, 'stopping a market source failed');
      }
      await pumping;
      await watching;
    },
  };
}
