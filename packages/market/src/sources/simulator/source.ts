/**
 * @module The simulator source: the embedded default, so a fresh install shows live markets with
 * no network. `paced` releases trades as the clock reaches them; `max` hands them out as fast as
 * the consumer pulls (benchmarks), with simulated time running ahead of the clock.
 */
import { systemClock, type Clock, type ServiceContext, type ServiceHealth } from '@tickline/kernel';
import { MarketError } from '../../port/errors.ts';
import type { MarketKind, MarketMessage, Trade } from '../../port/market-message.ts';
import type { MarketSource } from '../../port/market-source.ts';
import { timerSleep, type Sleep } from '../../port/sleep.ts';
import { SourceState, type SourceStatusChange } from '../../port/source-status.ts';
import { StatusFeed } from '../../port/status-feed.ts';
import { resolveTapeConfig, type SimulatorOptions, type TapeConfig } from './config.ts';
import { tradeTape } from './tape.ts';

export const DEFAULT_SIMULATOR_TICK_MS = 50;

/** A deterministic simulated exchange. */
export class SimulatorSource implements MarketSource {
  readonly name: string;
  readonly exchange: string;
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

  constructor(options: SimulatorOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? timerSleep;
    this.#tickMs = options.tickMs ?? DEFAULT_SIMULATOR_TICK_MS;
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

  messages(): AsyncIterable<MarketMessage> {
    if (this.#reading) throw new MarketError('MARKET_SOURCE_STATE', 'messages() has one consumer');
    this.#reading = true;
    const startTime = this.#options.startTime ?? this.#clock.now();
    const config = resolveTapeConfig(this.#options, startTime);
    return this.#options.mode === 'max' ? this.#fast(config) : this.#paced(config);
  }

  async *#fast(config: TapeConfig): AsyncGenerator<MarketMessage> {
    for (const trade of tradeTape(config)) {
      if (this.#stop.signal.aborted) return;
      if (!this.#subscribed.has(trade.symbol)) continue;
      this.#emitted++;
      yield { kind: 'trade', trade };
    }
  }

  async *#paced(config: TapeConfig): AsyncGenerator<MarketMessage> {
    const tape = tradeTape(config);
    let next = tape.next().value as Trade;
    while (!this.#stop.signal.aborted) {
      const now = this.#clock.now();
      while (next.exchangeTime <= now) {
        const trade = next;
        next = tape.next().value as Trade;
        if (!this.#subscribed.has(trade.symbol)) continue;
        this.#emitted++;
        yield { kind: 'trade', trade: { ...trade, receivedAt: this.#clock.now() } };
        if (this.#stop.signal.aborted) return;
      }
      await this.#sleep(Math.min(this.#tickMs, next.exchangeTime - now), this.#stop.signal);
    }
  }
}
