import { createMetricsRegistry, ManualClock, silentLogger, type EventEnvelope } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { LatestStore } from '../latest/latest-store.ts';
import type { MarketMessage, Trade } from '../port/market-message.ts';
import type { MarketSource } from '../port/market-source.ts';
import { SourceState } from '../port/source-status.ts';
import { StatusFeed } from '../port/status-feed.ts';
import { SimulatorSource } from '../sources/simulator/source.ts';
import { createMarketCollector } from './collector.ts';
import { QuarantineBuffer, type QuarantinedMessage } from './quarantine-buffer.ts';

const context = { logger: silentLogger, fail: () => undefined };
const T0 = Date.UTC(2024, 2, 15, 12);

/** A source replaying fixed messages; `failWith` makes its stream throw after them. */
class ScriptedSource implements MarketSource {
  readonly exchange = 'test';
  readonly #feed: StatusFeed;
  readonly name: string;
  readonly script: MarketMessage[];
  readonly failWith: { start?: Error; stream?: Error } | undefined;
  constructor(name: string, script: MarketMessage[], failWith?: { start?: Error; stream?: Error }) {
    this.name = name;
    this.script = script;
    this.failWith = failWith;
    this.#feed = new StatusFeed({ source: name, exchange: 'test', state: 'connecting', at: T0 });
  }
  async start(): Promise<void> {
    if (this.failWith?.start) throw this.failWith.start;
    this.#feed.set(SourceState.Live, T0);
  }
  async stop(): Promise<void> {
    this.#feed.close();
  }
  health() {
    return { status: 'up' as const };
  }
  state() {
    return this.#feed.current.state;
  }
  async subscribe(): Promise<void> {}
  async unsubscribe(): Promise<void> {}
  status() {
    return this.#feed.iterate();
  }
  async *messages(): AsyncGenerator<MarketMessage> {
    for (const m of this.script) yield m;
    if (this.failWith?.stream) throw this.failWith.stream;
  }
}

const trade = (id: number, at: number, price: number, symbol = 'BTC-USDT'): MarketMessage => ({
  kind: 'trade',
  trade: {
    exchange: 'test',
    symbol,
    tradeId: String(id),
    price,
    size: 1,
    side: 'buy',
    exchangeTime: at,
    receivedAt: at,
  } satisfies Trade,
});

function publisherSpy() {
  const events: EventEnvelope[] = [];
  return { events, publish: () => (event: EventEnvelope) => void events.push(event) };
}

const ofType = (events: EventEnvelope[], type: string) => events.filter((e) => e.type === type);

describe('market collector', () => {
  it('pipeline - simulator trades are published, closed candles follow, the latest store is current', async () => {
    // Given a simulator at full speed and a collector with 1s candles
    const spy = publisherSpy();
    const latest = new LatestStore({ clock: new ManualClock(T0) });
    const simulator = new SimulatorSource({ seed: 9, mode: 'max', startTime: T0, tradesPerSecond: 50 });
    const collector = createMarketCollector({
      sources: [{ source: simulator, symbols: ['BTC-USDT', 'ETH-USDT'] }],
      publish: spy.publish,
      latest,
      candles: { intervals: ['1s'] },
      clock: new ManualClock(T0),
    });
    // When it runs until a few thousand trades went through
    await collector.start(context);
    await until(() => ofType(spy.events, 'market.trade').length >= 2_000, '2,000 trades');
    await collector.stop();
    // Then every trade is an event keyed by symbol, candles closed in order, tickers match the last trade
    const trades = ofType(spy.events, 'market.trade');
    expect(trades[0]).toMatchObject({
      source: 'collector/simulator',
      subject: (trades[0]!.data as Trade).symbol,
    });
    expect(new Set(trades.map((e) => e.id)).size).toBe(trades.length);
    const closed = ofType(spy.events, 'market.candle.closed').map(
      (e) => e.data as { symbol: string; trades: number; openTime: number },
    );
    const btc = closed.filter((c) => c.symbol === 'BTC-USDT');
    expect(btc.length).toBeGreaterThan(10);
    expect(btc.map((c) => c.openTime)).toEqual([...btc.map((c) => c.openTime)].sort((a, b) => a - b));
    const lastBtc = trades.filter((e) => (e.data as Trade).symbol === 'BTC-USDT').at(-1)!.data as Trade;
    expect(latest.get('BTC-USDT')!.lastTrade).toEqual(lastBtc);
    // The first candle of a run is flagged incomplete: collection began mid-candle.
    expect(btc[0]).toMatchObject({ incomplete: true });
    expect(btc[1]).toMatchObject({ incomplete: false });
    const report = collector.sources()[0]!;
    expect(report).toMatchObject({ name: 'simulator', trades: trades.length, rejected: 0 });
  });

  it('start - a feed continuing its stored past has no gap marked; the others start incomplete', async () => {
    // Given a source whose BTC feed continues a past it stored (a fresh simulator's history), ETH's not
    const spy = publisherSpy();
    const script = [0, 400, 1_200, 2_100].flatMap((ms, i) => [
      trade(2 * i, T0 + ms, 100 + i),
      trade(2 * i + 1, T0 + ms, 50 + i, 'ETH-USDT'),
    ]);
    const source = Object.assign(new ScriptedSource('continuing', script), {
      continuesStoredPast: (symbol: string) => symbol === 'BTC-USDT',
    });
    const collector = createMarketCollector({
      sources: [{ source, symbols: ['BTC-USDT', 'ETH-USDT'], replay: true }],
      publish: spy.publish,
      candles: { intervals: ['1s'] },
      clock: new ManualClock(T0),
    });
    // When its first candles close
    await collector.start(context);
    await until(() => ofType(spy.events, 'market.candle.closed').length >= 4, 'two closed candles of each');
    await collector.stop();
    // Then BTC's first candle is whole, ETH's is marked incomplete as at every start
    const first = (symbol: string) =>
      ofType(spy.events, 'market.candle.closed')
        .map((e) => e.data as { symbol: string; openTime: number; incomplete: boolean })
        .find((c) => c.symbol === symbol);
    expect(first('BTC-USDT')).toMatchObject({ openTime: T0, incomplete: false });
    expect(first('ETH-USDT')).toMatchObject({ openTime: T0, incomplete: true });
  });

  it('indicators - each closed candle of a live interval publishes its indicator values, after the candle', async () => {
    // Given a collector building 1s candles with live indicators on 1s
    const spy = publisherSpy();
    const simulator = new SimulatorSource({ seed: 3, mode: 'max', startTime: T0, tradesPerSecond: 20 });
    const collector = createMarketCollector({
      sources: [{ source: simulator, symbols: ['BTC-USDT'] }],
      publish: spy.publish,
      candles: { intervals: ['1s'] },
      liveIndicatorIntervals: ['1s'],
      clock: new ManualClock(T0),
    });
    // When enough trades went through for the 26-bar MACD to warm up
    await collector.start(context);
    await until(() => ofType(spy.events, 'market.candle.closed').length >= 40, '40 closed candles');
    await collector.stop();
    // Then every closed candle is followed by an indicators event for the same bar
    const indicators = ofType(spy.events, 'market.indicators.updated').map(
      (e) => e.data as { openTime: number; closed: boolean; values: Record<string, number | null> },
    );
    const closedTimes = ofType(spy.events, 'market.candle.closed').map(
      (e) => (e.data as { openTime: number }).openTime,
    );
    expect(indicators.filter((v) => v.closed).map((v) => v.openTime)).toEqual(closedTimes);
    expect(indicators[0]!.values.sma).toBeNull();
    expect(indicators.at(-1)!.values).toMatchObject({ sma: expect.any(Number), macd: expect.any(Number) });
    const closeIndex = spy.events.findIndex((e) => e.type === 'market.candle.closed');
    expect(spy.events[closeIndex + 1]!.type).toBe('market.indicators.updated');
  });

  it('validation - rejected trades are counted by reason and quarantined in batches, never published', async () => {
    const spy = publisherSpy();
    const written: QuarantinedMessage[][] = [];
    const metrics = createMetricsRegistry({ processMetrics: false });
    const source = new ScriptedSource('scripted', [
      trade(1, T0, 100),
      trade(2, T0 + 1, -5),
      trade(3, T0 + 2, 101, 'DOGE-USDT'),
      trade(4, T0 + 3, 102),
      trade(5, T0 + 4, Number.NaN),
    ]);
    const collector = createMarketCollector({
      sources: [{ source, symbols: ['BTC-USDT'] }],
      publish: spy.publish,
      validation: { knownSymbols: new Set(['BTC-USDT']) },
      quarantine: { sink: async (rows) => void written.push([...rows]), batchRows: 2, flushIntervalMs: 10 },
      metrics,
      clock: new ManualClock(T0 + 10),
    });
    await collector.start(context);
    await until(() => written.flat().length === 3, 'three quarantined rows');
    await collector.stop();
    expect(ofType(spy.events, 'market.trade').map((e) => (e.data as Trade).tradeId)).toEqual(['1', '4']);
    expect(collector.rejected()).toEqual({ price_not_positive: 1, symbol_unknown: 1, price_not_finite: 1 });
    expect(written.flat().map((r) => [r.reason, r.source, r.symbol])).toEqual([
      ['price_not_positive', 'scripted', 'BTC-USDT'],
      ['symbol_unknown', 'scripted', 'DOGE-USDT'],
      ['price_not_finite', 'scripted', 'BTC-USDT'],
    ]);
    expect(written[0]).toHaveLength(2);
    expect(await metrics.metrics()).toContain(
      'tickline_market_trades_rejected_total{exchange="test",reason="symbol_unknown"} 1',
    );
  });

  it('isolation - a source that fails to start or whose stream throws does not stop the others', async () => {
    const spy = publisherSpy();
    const good = new ScriptedSource('good', [trade(1, T0, 100), trade(2, T0 + 1, 101)]);
    const broken = new ScriptedSource('broken', [], { start: new Error('bad credentials') });
    const crashing = new ScriptedSource('crashing', [trade(9, T0, 50)], {
      stream: new Error('socket exploded'),
    });
    const collector = createMarketCollector({
      sources: [
        { source: broken, symbols: ['BTC-USDT'] },
        { source: crashing, symbols: ['BTC-USDT'] },
        { source: good, symbols: ['BTC-USDT'] },
      ],
      publish: spy.publish,
      clock: new ManualClock(T0 + 10),
    });
    await collector.start(context);
    await until(() => collector.sources().filter((s) => s.state === 'failed').length === 2, 'two failures');
    await until(() => collector.sources()[2]!.trades === 2, 'the good source');
    expect(collector.sources().map((s) => [s.name, s.state, s.detail])).toEqual([
      ['broken', 'failed', 'bad credentials'],
      ['crashing', 'failed', 'socket exploded'],
      ['good', 'live', undefined],
    ]);
    expect(collector.health()).toMatchObject({ status: 'degraded' });
    const statuses = ofType(spy.events, 'market.source.status').map(
      (e) => e.data as { source: string; state: string },
    );
    expect(statuses).toContainEqual(expect.objectContaining({ source: 'broken', state: 'failed' }));
    await collector.stop();
    expect(ofType(spy.events, 'market.trade')).toHaveLength(3);
  });

  it('replay - historical trades pass the age bound and close candles on their own time', async () => {
    const spy = publisherSpy();
    const old = T0 - 2 * 86_400_000;
    // Received now, traded two days ago.
    const script = [trade(1, old, 100), trade(2, old + 1_500, 101), trade(3, old + 2_500, 102)].map((m) =>
      m.kind === 'trade' ? { ...m, trade: { ...m.trade, receivedAt: T0 } } : m,
    );
    const collector = createMarketCollector({
      sources: [
        { source: new ScriptedSource('replay', script), symbols: ['BTC-USDT'], replay: true },
        { source: new ScriptedSource('live', script), symbols: ['BTC-USDT'] },
      ],
      publish: spy.publish,
      candles: { intervals: ['1s'] },
      candleUpdateIntervalMs: 5,
      clock: new ManualClock(T0),
    });
    await collector.start(context);
    await until(() => collector.sources().every((s) => s.trades + s.rejected === 3), 'both scripts');
    // A few timer ticks: a live source's candles would be closed by the wall clock, a replay's not.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await collector.stop();
    expect(collector.sources().map((s) => [s.name, s.trades, s.rejected])).toEqual([
      ['replay', 3, 0],
      ['live', 0, 3],
    ]);
    expect(collector.rejected()).toEqual({ time_too_old: 3 });
    const closed = ofType(spy.events, 'market.candle.closed').map(
      (e) => (e.data as { openTime: number }).openTime,
    );
    expect(closed).toEqual([old, old + 1_000]);
  });

  it('sessions - a share source builds its daily candles per session, none after hours or in a year with no calendar', async () => {
    const spy = publisherSpy();
    const ny = (day: number, h: number, m = 0) => Date.UTC(2026, 10, day, h + 5, m); // EST is UTC-5
    const script = [
      trade(1, ny(24, 10), 100, 'AAPL.US'),
      trade(2, ny(24, 15, 59), 101, 'AAPL.US'),
      trade(3, ny(24, 18), 150, 'AAPL.US'), // after hours
      trade(4, ny(27, 12), 102, 'AAPL.US'), // the day after Thanksgiving, 13:00 close
      trade(5, Date.UTC(2028, 0, 4, 15), 103, 'AAPL.US'), // no 2028 calendar
    ].map((m) => (m.kind === 'trade' ? { ...m, trade: { ...m.trade, receivedAt: T0 } } : m));
    const collector = createMarketCollector({
      sources: [{ source: new ScriptedSource('shares', script), symbols: ['AAPL.US'], replay: true }],
      publish: spy.publish,
      candles: { intervals: ['1d'] },
      clock: new ManualClock(T0),
    });
    await collector.start(context);
    await until(() => collector.sources()[0]!.trades + collector.sources()[0]!.rejected === 5, 'the script');
    expect(collector.sources()[0]!.rejected).toBe(0);
    await collector.stop();
    const closed = ofType(spy.events, 'market.candle.closed').map(
      (e) => e.data as { openTime: number; closeTime: number; close: number },
    );
    expect(closed.map((c) => [c.openTime, c.closeTime, c.close])).toEqual([
      [ny(24, 9, 30), ny(24, 16), 101],
      [ny(27, 9, 30), ny(27, 13), 102],
    ]);
  });

  it('replay - a replay source pauses while the publisher is congested; a live one does not', async () => {
    const spy = publisherSpy();
    let congested = true;
    const script = Array.from({ length: 3_000 }, (_, i) => trade(i + 1, T0 + i, 100));
    const collector = createMarketCollector({
      sources: [
        { source: new ScriptedSource('replay', script), symbols: ['BTC-USDT'], replay: true },
        { source: new ScriptedSource('live', script), symbols: ['BTC-USDT'] },
      ],
      publish: spy.publish,
      congested: () => congested,
      clock: new ManualClock(T0 + 3_000),
    });
    await collector.start(context);
    await until(() => collector.sources()[1]!.trades === 3_000, 'the live source to finish');
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Paused at its first yield point (after one slice of messages).
    expect(collector.sources()[0]!.trades).toBeLessThan(1_000);
    congested = false;
    await until(() => collector.sources()[0]!.trades === 3_000, 'the replay to resume');
    await collector.stop();
  });

  it('candles - a quiet live source has its candles closed by the clock, a busy one by its trades only', async () => {
    const spy = publisherSpy();
    const clock = new ManualClock(T0 + 500);
    const collector = createMarketCollector({
      sources: [{ source: new ScriptedSource('quiet', [trade(1, T0 + 100, 100)]), symbols: ['BTC-USDT'] }],
      publish: spy.publish,
      candles: { intervals: ['1s'] },
      candleUpdateIntervalMs: 5,
      clock,
    });
    await collector.start(context);
    await until(() => collector.sources()[0]!.trades === 1, 'the trade');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Still inside the delay: nothing closed yet.
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ofType(spy.events, 'market.candle.closed')).toHaveLength(0);
    // Quiet for over a second and past the candle's end plus the delay: closed by the clock.
    clock.advance(1_500);
    await until(() => ofType(spy.events, 'market.candle.closed').length === 1, 'the idle close');
    await collector.stop();
    expect(ofType(spy.events, 'market.candle.closed')[0]!.data).toMatchObject({ openTime: T0, trades: 1 });
  });

  it('candles - forming candles are published coalesced; a disconnect marks them incomplete', async () => {
    const spy = publisherSpy();
    const source = new ScriptedSource('scripted', [
      trade(1, T0 + 100, 100),
      trade(2, T0 + 200, 101),
      trade(3, T0 + 300, 102),
      { kind: 'disconnect', exchange: 'test', symbols: ['BTC-USDT'], at: T0 + 400, reason: 'socket closed' },
    ]);
    const collector = createMarketCollector({
      sources: [{ source, symbols: ['BTC-USDT'] }],
      publish: spy.publish,
      candles: { intervals: ['1m'] },
      candleUpdateIntervalMs: 20,
      clock: new ManualClock(T0 + 500),
    });
    await collector.start(context);
    await until(() => ofType(spy.events, 'market.candle.updated').length > 0, 'an update');
    await collector.stop();
    const updates = ofType(spy.events, 'market.candle.updated').map((e) => e.data);
    // Three trades, one coalesced update with all of them.
    expect(updates[0]).toMatchObject({ interval: '1m', open: 100, close: 102, trades: 3, incomplete: true });
  });
});

describe('quarantine buffer', () => {
  it('bounds - while the sink fails the oldest rows are dropped; a later flush writes the rest', async () => {
    let failing = true;
    const written: QuarantinedMessage[] = [];
    const buffer = new QuarantineBuffer({
      sink: async (rows) => {
        if (failing) throw new Error('database down');
        written.push(...rows);
      },
      batchRows: 2,
      maxBufferedRows: 3,
      flushIntervalMs: 60_000,
    });
    const row = (n: number): QuarantinedMessage => ({ receivedAt: n, source: 's', reason: 'r' });
    for (let n = 1; n <= 5; n++) buffer.add(row(n));
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 3, dropped: 2 });
    failing = false;
    await buffer.stop();
    expect(written.map((r) => r.receivedAt)).toEqual([3, 4, 5]);
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 3 });
  });
});
