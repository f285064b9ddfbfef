/**
 * @module CSV replay: historical trades or candles from files, at 1×, N× or maximum speed. Paced
 * replay keeps the gaps between rows' times, divided by the speed, measured from the first row;
 * the stream ends with the files.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import { MarketError } from '../../port/errors.ts';
import type { MarketKind, MarketMessage } from '../../port/market-message.ts';
import type { MarketSource } from '../../port/market-source.ts';
import { timerSleep, type Sleep } from '../../port/sleep.ts';
import { SourceState, type SourceStatusChange } from '../../port/source-status.ts';
import { StatusFeed } from '../../port/status-feed.ts';
import type { CsvBadRow, CsvReplayOptions } from './config.ts';
import { readCsvHeader, splitCsvLine, type CsvDefaults, type CsvLayout } from './parse-csv.ts';

/** Replays CSV files through the market source port. */
export class CsvReplaySource implements MarketSource {
  readonly name: string;
  readonly exchange: string;
  readonly #options: CsvReplayOptions;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #feed: StatusFeed;
  readonly #stop = new AbortController();
  readonly #symbols = new Set<string>();
  #logger: Logger;
  #reading = false;
  #emitted = 0;
  #badRows = 0;

  constructor(options: CsvReplayOptions) {
    this.#options = options;
    this.name = options.name ?? 'csv';
    this.exchange = options.exchange ?? this.name;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? timerSleep;
    this.#logger = options.logger ?? silentLogger;
    this.#feed = new StatusFeed({
      source: this.name,
      exchange: this.exchange,
      state: SourceState.Connecting,
      at: this.#clock.now(),
    });
  }

  async start(context: ServiceContext): Promise<void> {
    this.#logger = this.#options.logger ?? context.logger;
    this.#feed.set(SourceState.Live, this.#clock.now());
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#feed.close();
  }

  health(): ServiceHealth {
    const state = this.#feed.current.state;
    return {
      status: state === 'live' ? 'up' : state === 'failed' ? 'failed' : 'degraded',
      detail: this.#feed.current.detail ?? state,
      info: { emitted: this.#emitted, badRows: this.#badRows },
    };
  }

  state(): SourceState {
    return this.#feed.current.state;
  }

  /** Filters the replay to these symbols; with no subscription every row is replayed. */
  async subscribe(symbols: readonly string[], _kinds: readonly MarketKind[]): Promise<void> {
    for (const s of symbols) this.#symbols.add(s);
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    for (const s of symbols) this.#symbols.delete(s);
  }

  status(): AsyncIterable<SourceStatusChange> {
    return this.#feed.iterate();
  }

  /** Bad rows so far. */
  get badRows(): number {
    return this.#badRows;
  }

  messages(): AsyncIterable<MarketMessage> {
    if (this.#reading) throw new MarketError('MARKET_SOURCE_STATE', 'messages() has one consumer');
    this.#reading = true;
    return this.#replay();
  }

  #bad(row: CsvBadRow): void {
    this.#badRows++;
    if (this.#options.onBadRow) this.#options.onBadRow(row);
    else this.#logger.warn({ ...row }, 'csv replay: bad row skipped');
  }

  async *#replay(): AsyncGenerator<MarketMessage> {
    const speed = this.#options.speed ?? 'max';
    const defaults: CsvDefaults = {
      exchange: this.exchange,
      symbol: this.#options.symbol,
      interval: this.#options.interval ?? '1m',
      now: () => this.#clock.now(),
    };
    let origin: { data: number; clock: number } | null = null;
    try {
      for (const file of this.#options.files) {
        const lines = createInterface({
          input: createReadStream(file, 'utf8'),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        let layout: CsvLayout | null = null;
        let line = 0;
        for await (const text of lines) {
          line++;
          if (this.#stop.signal.aborted) return;
          if (text.trim() === '') continue;
          if (!layout) {
            layout = readCsvHeader(text);
            continue;
          }
          const row = layout.parse(splitCsvLine(text), defaults, line);
          if (!row.ok) {
            this.#bad({ file, line, reason: row.reason });
            continue;
          }
          const msg = row.value;
          const symbol = msg.kind === 'trade' ? msg.trade.symbol : msg.candle.symbol;
          if (this.#symbols.size > 0 && !this.#symbols.has(symbol)) continue;
          if (speed !== 'max') {
            const at = msg.kind === 'trade' ? msg.trade.exchangeTime : msg.candle.openTime;
            origin ??= { data: at, clock: this.#clock.monotonic() };
            const due = origin.clock + (at - origin.data) / speed;
            const wait = due - this.#clock.monotonic();
            if (wait > 0) await this.#sleep(wait, this.#stop.signal);
            if (this.#stop.signal.aborted) return;
          }
          this.#emitted++;
          yield msg;
        }
      }
    } catch (error) {
      this.#feed.set(
        SourceState.Failed,
        this.#clock.now(),
        error instanceof Error ? error.message : String(error),
      );
      throw error;
    }
  }
}
