/**
 * @module The simulator source: the embedded default, so a fresh install shows live markets with
 * no network. `paced` releases trades as the clock reaches them; `max` hands them out as fast as
 * the consumer pulls (benchmarks), with simulated time running ahead of the clock.
 */
import { systemClock, type Clock, type ServiceContext, type ServiceHealth } from '@tickline/kernel';
import { MarketError } from '../../port/errors.ts';
import type { Candle, CandleInterval, MarketKind, MarketMessage, Trade } from '../../port/market-message.ts';
import type { ContinuousSource, MarketSource } from '../../port/market-source.ts';
import { timerSleep, type Sleep } from '../../port/sleep.ts';
import { SourceState, type SourceStatusChange } from '../../port/source-status.ts';
import { StatusFeed } from '../../port/status-feed.ts';
import { resolveTapeConfig, type SimulatorOptions, type TapeConfig } from './config.ts';
import { simulatedHistory } from './history.ts';
import { tradeTape } from './tape.ts';

export const DEFAULT_SIMULATOR_TICK_MS = 50;
const MINUTE_MS = 60_000;

/** Where the tape starts and where its live part begins (epoch ms). */
interface TapePlan {
  tapeStart: number;
  liveStart: number;
}

/** The candles of the simulator's past, and where its live feed begins. */
export interface SimulatorHistory {
  /** Every candle of the past closes at or before it; the live feed's first trade is at or after it. */
  liveStart: number;
  candles: Candle[];
}

/** A deterministic simulated exchange. */
export class SimulatorSource implements MarketSource, ContinuousSource {
  readonly name: string;
  readonly exchange: string;
  /** How far the tape reaches before the live feed (0: none, and none at full speed). */
  readonly historyMs: number;
  readonly #options: SimulatorOptions;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #tickMs: number;
  readonly #offered: ReadonlySet<string>;
  readonly #subscribed = new Set<string>();
  readonly #feed: StatusFeed;
  readonly #stop = new AbortController();
  #reading = false;
  #emitted = 0;
  #plan: TapePlan | undefined;
  readonly #storedPast = new Set<string>();

  constructor(options: SimulatorOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? timerSleep;
    this.#tickMs = options.tickMs ?? DEFAULT_SIMULATOR_TICK_MS;
    this.historyMs = options.mode === 'max' ? 0 : Math.max(0, options.historyMs ?? 0);
    const probe = resolveTapeConfig(options, 0);
    this.name = probe.exchange;
    this.exchange = probe.exchange;
    this.#offered = new Set(probe.symbols.map((s) => s.symbol));
    this.#feed = new StatusFeed(this.#change(SourceState.Connecting));
  }

  #change(state: SourceState): SourceStatusChange {
    return { source: this.name, exchange: this.exchange, state, at: this.#clock.now() };
  }

  async start(_context: ServiceContext): Promise<void> {
    this.#feed.set(SourceState.Live, this.#clock.now());
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#feed.close();
  }

  health(): ServiceHealth {
    const state = this.#feed.current.state;
    return {
      status:
        state === 'live'
          ? 'up'
          : state === 'failed'
            ? 'failed'
            : this.#stop.signal.aborted
              ? 'stopped'
              : 'degraded',
      detail: state,
      info: { emitted: this.#emitted, symbols: [...this.#subscribed] },
    };
  }

  state(): SourceState {
    return this.#feed.current.state;
  }

  async subscribe(symbols: readonly string[], _kinds: readonly MarketKind[]): Promise<void> {
    if (this.#stop.signal.aborted) throw new MarketError('MARKET_SOURCE_STATE', 'the simulator is stopped');
    const unknown = symbols.filter((s) => !this.#offered.has(s));
    if (unknown.length > 0) {
      throw new MarketError('MARKET_SYMBOL_UNKNOWN', `the simulator does not offer ${unknown.join(', ')}`, {
        details: { symbols: unknown, offered: [...this.#offered] },
      });
    }
    for (const s of symbols) this.#subscribed.add(s);
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    for (const s of symbols) this.#subscribed.delete(s);
  }

  status(): AsyncIterable<SourceStatusChange> {
    return this.#feed.iterate();
  }

  /**
   * The closed candles (of `intervals`, for `symbols` or every market) the tape made before the
   * live feed begins: empty without `historyMs` or at full speed. The same plan fixes where
   * `messages()` starts, whichever is called first, so the live trades continue this past's walk.
   */
  history(intervals: readonly CandleInterval[], symbols?: ReadonlySet<string>): SimulatorHistory {
    const plan = this.#tapePlan();
    if (plan.tapeStart === plan.liveStart) return { liveStart: plan.liveStart, candles: [] };
    const tape = resolveTapeConfig(this.#options, plan.tapeStart);
    const candles = simulatedHistory({
      tape,
      liveStart: plan.liveStart,
      intervals,
      ...(symbols ? { symbols } : {}),
    });
    return { liveStart: plan.liveStart, candles };
  }

  /**
   * Fixed once. With history, live starts on the whole minute (the trades of the minute so far are
   * released at once), so its first 1 s and 1 m candles are whole and follow the past's last ones;
   * the tape starts on a whole minute `historyMs` before that.
   */
  #tapePlan(): TapePlan {
    if (this.#plan) return this.#plan;
    const now = this.#clock.now();
    const historyMs = this.historyMs;
    if (historyMs === 0) {
      const start = this.#options.startTime ?? now;
      this.#plan = { tapeStart: start, liveStart: start };
    } else {
      const liveStart = Math.floor(now / MINUTE_MS) * MINUTE_MS;
      this.#plan = { tapeStart: Math.floor((liveStart - historyMs) / MINUTE_MS) * MINUTE_MS, liveStart };
    }
    return this.#plan;
  }

  /** Marks `symbols` as having their {@link history} stored: their live candles continue it. */
  markStoredPast(symbols: Iterable<string>): void {
    for (const symbol of symbols) this.#storedPast.add(symbol);
  }

  continuesStoredPast(symbol: string): boolean {
    return this.#storedPast.has(symbol);
  }

  messages(): AsyncIterable<MarketMessage> {
    if (this.#reading) throw new MarketError('MARKET_SOURCE_STATE', 'messages() has one consumer');
    this.#reading = true;
    const plan = this.#tapePlan();
    const config = resolveTapeConfig(this.#options, plan.tapeStart);
    if (this.#options.mode === 'max') return this.#fast(config);
    // A market whose past was stored continues it from the live start; any other (a restart, on a
    // store that had its candles) starts now, as every source does: the minute before now was
    // recorded already, or lost to the stop, and is not traded again.
    const now = this.historyMs === 0 ? plan.liveStart : this.#clock.now();
    return this.#paced(config, (symbol) => (this.#storedPast.has(symbol) ? plan.liveStart : now));
  }

  async *#fast(config: TapeConfig): AsyncGenerator<MarketMessage> {
    for (const trade of tradeTape(config)) {
      if (this.#stop.signal.aborted) return;
      if (!this.#subscribed.has(trade.symbol)) continue;
      this.#emitted++;
      yield { kind: 'trade', trade };
    }
  }

  async *#paced(config: TapeConfig, liveFrom: (symbol: string) => number): AsyncGenerator<MarketMessage> {
    const tape = tradeTape(config);
    // The past (history's candles) is not traded again: live begins where it ended.
    const earliest = Math.min(...config.symbols.map((s) => liveFrom(s.symbol)));
    let next = tape.next().value as Trade;
    while (next.exchangeTime < earliest) next = tape.next().value as Trade;
    while (!this.#stop.signal.aborted) {
      const now = this.#clock.now();
      while (next.exchangeTime <= now) {
        const trade = next;
        next = tape.next().value as Trade;
        if (!this.#subscribed.has(trade.symbol) || trade.exchangeTime < liveFrom(trade.symbol)) continue;
        this.#emitted++;
        yield { kind: 'trade', trade: { ...trade, receivedAt: this.#clock.now() } };
        if (this.#stop.signal.aborted) return;
      }
      await this.#sleep(Math.min(this.#tickMs, next.exchangeTime - now), this.#stop.signal);
    }
  }
}
