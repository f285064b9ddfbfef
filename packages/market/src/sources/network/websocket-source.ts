/**
 * @module The generic network source: one engine for every venue, driven by a {@link VenueDialect}.
 * It reconnects with full-jitter backoff under a circuit breaker and a connection-attempt pacer,
 * resubscribes paced, watches liveness, drops duplicate trades, counts out-of-order ones, finds
 * sequence and trade-id gaps, puts a `disconnect` marker in the stream for every lost connection
 * and gap, and backfills the missed minutes over REST. It never throws out of `messages()`:
 * failures show in `status()` and `health()`.
 */
import { silentLogger, type Logger, type ServiceContext, type ServiceHealth } from '@tickline/kernel';
import { MarketError } from '../../port/errors.ts';
import type { MarketKind, MarketMessage } from '../../port/market-message.ts';
import type { MarketSource } from '../../port/market-source.ts';
import { SourceState, type SourceStatusChange } from '../../port/source-status.ts';
import { StatusFeed } from '../../port/status-feed.ts';
import { isCanonicalSymbol, toCanonicalSymbol, toVenueSymbol } from '../../normalize/symbols.ts';
import { fullJitterDelayMs } from './backoff.ts';
import { Backfiller } from './backfiller.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { Connection, EndCause, type ConnectionEnd } from './connection.ts';
import { FeedIntegrity } from './feed-integrity.ts';
import type { DecodeContext, DecodedEvent, RequestContext, Subscription, VenueDialect } from './dialect.ts';
import { MessageQueue } from './message-queue.ts';
import {
  resolveNetworkSourceOptions,
  type NetworkSourceOptions,
  type ResolvedNetworkSourceOptions,
} from './options.ts';
import { RatePacer } from './rate-pacer.ts';
import { StatsRecorder, type NetworkSourceStats } from './source-stats.ts';

/** A market source over a venue's WebSocket feed. */
export class WebSocketSource implements MarketSource {
  readonly name: string;
  readonly exchange: string;
  readonly #dialect: VenueDialect;
  readonly #o: ResolvedNetworkSourceOptions;
  readonly #feed: StatusFeed;
  readonly #queue: MessageQueue<MarketMessage>;
  readonly #recorder: StatsRecorder;
  readonly #breaker: CircuitBreaker;
  readonly #connects: RatePacer;
  readonly #integrity: FeedIntegrity;
  readonly #backfiller: Backfiller;
  readonly #subscribed = new Map<string, Set<MarketKind>>();
  readonly #venueSymbols = new Map<string, string>();
  readonly #stop = new AbortController();
  #logger: Logger;
  #conn: Connection | null = null;
  #loop: Promise<void> | null = null;
  #attempt = 0;
  #everOpened = false;
  #reading = false;
  #nextId = 1;

  constructor(dialect: VenueDialect, options: NetworkSourceOptions = {}) {
    this.#dialect = dialect;
    this.#o = resolveNetworkSourceOptions(options, dialect);
    this.name = this.#o.name;
    this.exchange = dialect.exchange;
    this.#logger = this.#o.logger ?? silentLogger;
    this.#recorder = new StatsRecorder(this.name, this.#o.metrics);
    this.#breaker = new CircuitBreaker(this.#o.clock, this.#o.breaker);
    this.#connects = new RatePacer(this.#o.connectLimits, this.#o.clock, this.#o.sleep);
    this.#queue = new MessageQueue({
      highWaterMark: this.#o.highWaterMark,
      onPause: () => this.#conn?.pause(),
      onResume: () => this.#conn?.resume(),
    });
    this.#backfiller = new Backfiller(
      dialect,
      this.#o,
      this.#recorder,
      (m) => this.#queue.push(m),
      () => this.#logger,
      this.#stop.signal,
    );
    this.#integrity = new FeedIntegrity({
      exchange: dialect.exchange,
      contiguousTradeIds: dialect.contiguousTradeIds,
      recentTradeIds: this.#o.recentTradeIds,
      clock: this.#o.clock,
      recorder: this.#recorder,
      backfiller: this.#backfiller,
      push: (m) => this.#queue.push(m),
    });
    this.#feed = new StatusFeed({
      source: this.name,
      exchange: this.exchange,
      state: SourceState.Connecting,
      at: this.#o.clock.now(),
    });
  }

  /** Counters since construction. */
  get stats(): Readonly<NetworkSourceStats> {
    return this.#recorder.stats;
  }

  /**
   * Asks the venue's REST API for the closed 1m candles of `symbol` (canonical) between `fromMs`
   * and `toMs` — a scheduled backfill. They arrive on `messages()` as venue candles, in order with
   * the gap backfills; a failure is counted, never thrown.
   */
  requestBackfill(symbol: string, fromMs: number, toMs: number): void {
    this.#backfiller.request(symbol, fromMs, toMs);
  }

  /** Resolves when every backfill requested so far has finished (succeeded or failed). */
  backfillsSettled(): Promise<void> {
    return this.#backfiller.idle();
  }

  async start(context: ServiceContext): Promise<void> {
    if (this.#loop) return;
    this.#logger = (this.#o.logger ?? context.logger).child({ source: this.name });
    this.#loop = this.#run().catch((error: unknown) => {
      this.#setState(SourceState.Failed, `internal error: ${String(error)}`);
      context.fail(error);
    });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#conn?.end(EndCause.Stopped);
    await this.#loop;
    await this.#conn?.ended;
    await this.#backfiller.idle();
    this.#queue.close();
    this.#feed.close();
  }

  health(): ServiceHealth {
    const { state, detail } = this.#feed.current;
    return {
      status: this.#stop.signal.aborted
        ? 'stopped'
        : state === SourceState.Live
          ? 'up'
          : state === SourceState.Failed
            ? 'down'
            : 'degraded',
      detail: detail ?? state,
      info: { ...this.#recorder.stats, circuit: this.#breaker.state, symbols: [...this.#subscribed.keys()] },
    };
  }

  state(): SourceState {
    return this.#feed.current.state;
  }

  status(): AsyncIterable<SourceStatusChange> {
    return this.#feed.iterate();
  }

  messages(): AsyncIterable<MarketMessage> {
    if (this.#reading) throw new MarketError('MARKET_SOURCE_STATE', 'messages() has one consumer');
    this.#reading = true;
    return this.#queue.drain();
  }

  async subscribe(symbols: readonly string[], kinds: readonly MarketKind[]): Promise<void> {
    if (this.#stop.signal.aborted) throw new MarketError('MARKET_SOURCE_STATE', `${this.name} is stopped`);
    const bad = symbols.filter((s) => !isCanonicalSymbol(s));
    if (bad.length > 0) {
      throw new MarketError('MARKET_SYMBOL_UNKNOWN', `not canonical BASE-QUOTE symbols: ${bad.join(', ')}`, {
        details: { symbols: bad },
      });
    }
    const added = new Set<string>();
    const addedKinds = new Set<MarketKind>();
    for (const s of symbols) {
      const have = this.#subscribed.get(s) ?? new Set<MarketKind>();
      for (const k of kinds) {
        if (!have.has(k)) {
          added.add(s);
          addedKinds.add(k);
        }
        have.add(k);
      }
      this.#subscribed.set(s, have);
      this.#venueSymbols.set(toVenueSymbol(this.exchange, s).toUpperCase(), s);
    }
    if (added.size === 0 || !this.#conn?.isOpen) return; // the next open sends the whole set
    const add: Subscription = { symbols: [...added], kinds: [...addedKinds] };
    await this.#sendAll(this.#dialect.subscribeFrames(add, this.#subscription(), this.#requestContext()));
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    const removed = symbols.filter((s) => this.#subscribed.delete(s));
    if (removed.length === 0 || !this.#conn?.isOpen) return;
    await this.#sendAll(
      this.#dialect.unsubscribeFrames(removed, this.#subscription(), this.#requestContext()),
    );
  }

  #subscription(): Subscription {
    const kinds = new Set<MarketKind>();
    for (const ks of this.#subscribed.values()) for (const k of ks) kinds.add(k);
    return { symbols: [...this.#subscribed.keys()], kinds: [...kinds] };
  }

  #requestContext(initial = false): RequestContext {
    return { nextId: () => this.#nextId++, intervals: this.#o.candleIntervals, initial };
  }

  async #sendAll(frames: readonly string[]): Promise<void> {
    const conn = this.#conn;
    if (!conn?.isOpen) return; // sent on the next open with the whole subscription
    for (const f of frames) if (!(await conn.send(f))) return;
  }

  #setState(state: SourceState, detail?: string): void {
    this.#feed.set(state, this.#o.clock.now(), detail);
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      if (!this.#breaker.tryAcquire()) {
        const wait = this.#breaker.remainingMs();
        this.#setState(
          SourceState.Failed,
          `circuit open after ${this.#breaker.failures} failed connects; trial in ${wait} ms`,
        );
        await this.#o.sleep(wait, signal);
        continue;
      }
      if (!(await this.#connects.take(signal))) break;
      this.#setState(SourceState.Connecting, this.#attempt > 0 ? `attempt ${this.#attempt + 1}` : undefined);
      this.#recorder.add('connects');
      const end = await this.#connectOnce();
      if (signal.aborted) break;
      if (end.rateLimited) this.#recorder.add('rateLimited');
      if (end.opened) {
        this.#lost(end);
      } else {
        this.#recorder.add('failedConnects');
        this.#logger.warn({ httpStatus: end.httpStatus, reason: end.reason }, 'connect failed');
        if (this.#breaker.onFailure()) continue; // the circuit opened: the next turn reports it
      }
      if (end.cause === EndCause.Lifetime || end.cause === EndCause.Shutdown) continue;
      let delay = fullJitterDelayMs(this.#o.backoff, this.#attempt++, this.#o.random);
      if (end.rateLimited) delay = Math.max(delay, this.#o.rateLimitBackoffMs);
      this.#setState(
        SourceState.BackingOff,
        `retry in ${delay} ms (${end.cause}: ${end.code} ${end.reason})`,
      );
      await this.#o.sleep(delay, signal);
    }
  }

  #connectOnce(): Promise<ConnectionEnd> {
    const conn = new Connection({
      url: this.#dialect.connectUrl(this.#o.url),
      connectTimeoutMs: this.#o.connectTimeoutMs,
      maxFrameBytes: this.#o.maxFrameBytes,
      silenceMs: this.#o.silenceMs,
      maxLifetimeMs: this.#o.maxLifetimeMs,
      keepaliveMs: this.#o.keepaliveMs,
      keepaliveFrame: this.#dialect.keepaliveFrame,
      outboundLimits: this.#o.outboundLimits,
      rateLimitCloseCodes: this.#dialect.rateLimitCloseCodes,
      clock: this.#o.clock,
      sleep: this.#o.sleep,
      onOpen: () => this.#opened(conn),
      onFrame: (text) => this.#onFrame(conn, text),
      onStale: (silentMs) => {
        this.#recorder.add('stale');
        this.#setState(SourceState.Stale, `silent for ${Math.round(silentMs)} ms`);
      },
      onSendError: (error) => this.#logger.warn({ err: error }, 'send failed'),
    });
    this.#conn = conn;
    if (this.#stop.signal.aborted) conn.end(EndCause.Stopped);
    return conn.ended;
  }

  #opened(conn: Connection): void {
    this.#breaker.onSuccess();
    this.#integrity.connectionOpened();
    this.#setState(SourceState.Live, this.#everOpened ? 'reconnected' : undefined);
    this.#everOpened = true;
    const all = this.#subscription();
    const frames = this.#dialect.subscribeFrames(all, all, this.#requestContext(true));
    void (async () => {
      for (const f of frames) if (!(await conn.send(f))) return;
    })();
  }

  /** An open connection was lost: one marker, and every symbol may be missing trades from here. */
  #lost(end: ConnectionEnd): void {
    this.#logger.info({ cause: end.cause, code: end.code, reason: end.reason }, 'connection lost');
    this.#integrity.connectionLost(
      [...this.#subscribed.keys()],
      `${end.cause}: ${end.code}${end.reason ? ` ${end.reason}` : ''}`,
    );
  }

  #decodeContext(): DecodeContext {
    return {
      receivedAt: this.#o.clock.now(),
      canonical: (venue) =>
        this.#venueSymbols.get(venue.toUpperCase()) ?? toCanonicalSymbol(this.exchange, venue),
    };
  }

  #onFrame(conn: Connection, text: string): void {
    if (this.#conn !== conn) return;
    this.#recorder.add('frames');
    let events: DecodedEvent[];
    try {
      events = this.#dialect.decode(text, this.#decodeContext());
    } catch (error) {
      this.#recorder.add('malformed');
      this.#logger.debug({ err: error, frame: text.slice(0, 200) }, 'malformed frame skipped');
      return;
    }
    for (const e of events) this.#onEvent(conn, e);
  }

  #onEvent(conn: Connection, e: DecodedEvent): void {
    switch (e.type) {
      case 'trade':
        this.#attempt = 0;
        if (this.#subscribed.get(e.trade.symbol)?.has('trade')) this.#integrity.trade(e.trade);
        return;
      case 'candle':
        this.#attempt = 0;
        if (!this.#subscribed.has(e.candle.symbol)) return;
        this.#recorder.add('candles');
        this.#queue.push({ kind: 'candle', candle: e.candle });
        return;
      case 'sequence':
        this.#integrity.sequence(e.seq, [...this.#subscribed.keys()]);
        return;
      case 'heartbeat':
      case 'ack':
        this.#attempt = 0;
        return;
      case 'reconnect':
        this.#logger.info({ reason: e.reason }, 'venue announced a disconnect; reconnecting');
        conn.end(EndCause.Shutdown);
        return;
      case 'venue_error':
        this.#recorder.add('venueErrors');
        this.#logger.warn({ message: e.message }, 'venue reported an error');
        return;
      case 'ignored':
        return;
    }
  }
}
