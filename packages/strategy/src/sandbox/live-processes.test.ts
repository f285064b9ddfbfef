import type { EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { OrderFilledData, OrderPlacedData } from '../broker/events.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { type FeedCandle, LiveRunner } from '../live/live-runner.ts';
import type { LiveSessionSpec, OpenSession } from '../live/live-session.ts';
import { backtest, candleEvents, P, settings, spec, SYMBOL, world } from '../live/live-world.test-support.ts';
import { evaluateTrustedStrategy } from './host-module.ts';
import { openLiveSandbox } from './live-sandbox.ts';

/** The runner tests' crossing strategy, as user code: market entries, a protective stop, limit adds. */
const CROSSING_JS = `
export default defineStrategy({
  params: { fast: { type: 'int', default: 5 }, slow: { type: 'int', default: 15 } },
  init: (ctx) => ({ fast: new ctx.ta.SmaStream(ctx.params.fast), slow: new ctx.ta.SmaStream(ctx.params.slow), prev: 0 }),
  onCandle(ctx) {
    const s = ctx.state;
    const close = ctx.close.at(0);
    const diff = s.fast.update(close) - s.slow.update(close);
    const qty = ctx.position().qty;
    if (s.prev <= 0 && diff > 0 && qty === 0) {
      ctx.buy({ qty: 3, reason: 'cross up' });
      ctx.sell({ type: 'stop', qty: 3, price: close * 0.97, reason: 'stop' });
    } else if (qty > 0 && diff > 0 && ctx.orders().length < 3) {
      ctx.buy({ type: 'limit', qty: 1, price: close * 0.995, reason: 'dip' });
    } else if (s.prev >= 0 && diff < 0 && qty > 0) {
      ctx.cancelAll();
      ctx.closePosition(undefined, 'cross down');
    }
    s.prev = diff;
  },
});`;

const at10 = (body: string, top = '') =>
  `${top}\nexport default defineStrategy({ onCandle(ctx) { if (ctx.feed.index >= 10) { ${body} } } });`;

const SOURCES: Record<string, string> = {
  good: CROSSING_JS,
  throws: at10("throw new Error('boom');"),
  loops: at10('for (;;) {}'),
  // Well over 50 ms of CPU on every candle, warm-up included, yet far under a step's wall deadline.
  slow: 'export default defineStrategy({ onCandle() { let x = 0; for (let i = 0; i < 3e8; i++) x += i; } });',
  hogs: at10('for (;;) keep.push(new Array(1e5).fill(ctx.time));', 'const keep = [];'),
  // Buys on every candle it sees, counting them: warm-up candles must build state but place nothing.
  counts: `export default defineStrategy({
    init: () => ({ n: 0 }),
    onCandle(ctx) { ctx.state.n++; ctx.buy({ qty: 0.01, reason: 'seen ' + ctx.state.n }); },
  });`,
};

const LIMITS = { memoryMb: 16, cpuMsPerCandle: 50 };

const sandboxSessions: OpenSession = (s: LiveSessionSpec, capacity: number) =>
  openLiveSandbox({
    code: SOURCES[s.strategyId]!,
    feeds: s.feeds,
    settings: s.settings,
    params: s.params,
    capacity,
    limits: LIMITS,
  });

async function feedAll(w: ReturnType<typeof world>, events: readonly EventEnvelope[]): Promise<void> {
  for (const e of events) {
    w.track(e.data as { symbol: string; close: number });
    await w.runner.handle([e]);
  }
}

describe('live runs in the sandbox', () => {
  it('parity: the isolate gives the backtest’s orders and fills, order by order', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 400, 7);
    const { result, fills } = backtest(evaluateTrustedStrategy(CROSSING_JS), feed, s);
    expect(result.signals.length).toBeGreaterThan(10);
    const w = world(s, evaluateTrustedStrategy(CROSSING_JS), undefined, undefined, sandboxSessions);
    await w.runner.enable({ ...spec('r', s), strategyId: 'good' });
    await feedAll(w, candleEvents(feed));
    expect(w.runner.status('r')!.pause).toBeUndefined();
    expect(w.runner.status('r')).toMatchObject({ state: 'running', candles: 400 });
    const placed = w.published.filter((e) => e.type === 'order.placed').map((e) => e.data as OrderPlacedData);
    expect(
      placed.map((o) => [
        o.origin?.kind === 'strategy' ? o.origin.candleCloseTime : -1,
        o.side,
        o.type,
        o.quantity,
        o.price ?? NaN,
      ]),
    ).toEqual(result.signals.map((x) => [x.time, x.side, x.type, x.qty, x.price]));
    const liveFills = w.published
      .filter((e) => e.type === 'order.filled')
      .map((e) => e.data as OrderFilledData)
      .map((f) => ({
        side: f.side,
        qty: f.fill.quantity,
        price: f.fill.price,
        fee: f.fill.fee,
        time: f.fill.time,
      }));
    expect(liveFills).toEqual(fills);
  }, 60_000);

  it('pauses a run that throws, one that loops and one that exceeds its memory, tells each owner, and the other goes on', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 60, 5);
    const w = world(s, evaluateTrustedStrategy(CROSSING_JS), undefined, undefined, sandboxSessions);
    for (const id of ['good', 'throws', 'loops', 'hogs'])
      await w.runner.enable({ ...spec(id, s), strategyId: id, userId: `owner-${id}` });
    await feedAll(w, candleEvents(feed));
    expect(w.runner.status('throws')).toMatchObject({
      state: 'paused',
      pause: { code: 'STRATEGY_RUNTIME_ERROR', reason: 'boom' },
    });
    expect(w.runner.status('loops')).toMatchObject({
      state: 'paused',
      pause: { code: 'STRATEGY_CPU_LIMIT' },
    });
    expect(w.runner.status('hogs')).toMatchObject({
      state: 'paused',
      pause: { code: 'STRATEGY_MEMORY_LIMIT' },
    });
    const paused = w.published.filter((e) => e.type === 'strategy.live.paused').map((e) => e.data);
    expect(paused).toEqual(
      ['throws', 'loops', 'hogs'].map((id) =>
        expect.objectContaining({ strategyId: id, userId: `owner-${id}`, portfolioId: P }),
      ),
    );
    for (const id of ['throws', 'loops', 'hogs']) expect(w.runner.status(id)!.candles).toBe(10);
    expect(w.runner.status('good')).toMatchObject({ state: 'running', candles: 60 });
    expect(
      w.published.some(
        (e) => e.type === 'strategy.signal' && (e.data as { strategyId: string }).strategyId === 'good',
      ),
    ).toBe(true);
  }, 60_000);

  it('warm-up: enabling replays stored history through the strategy before it acts, and places nothing for it', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 40, 9);
    const events = candleEvents(feed);
    const history = events.slice(0, 30).map((e) => e.data as FeedCandle);
    const w = world(s, evaluateTrustedStrategy(CROSSING_JS), undefined, undefined, sandboxSessions);
    const asked: Array<[string, string, number, number]> = [];
    const runner = new LiveRunner({
      ...w.options,
      history: async (symbol, interval, count, before) => {
        asked.push([symbol, interval, count, before]);
        return history;
      },
    });
    w.setRunner(runner);
    await runner.enable({ ...spec('c', s), strategyId: 'counts', warmupBars: 30 });
    expect(asked).toEqual([[SYMBOL, '1m', 30, expect.any(Number)]]);
    expect(w.published.filter((e) => e.type.startsWith('order.') || e.type === 'strategy.signal')).toEqual(
      [],
    );
    for (const e of events.slice(30, 32)) {
      w.track(e.data as { symbol: string; close: number });
      await runner.handle([e]);
    }
    const signals = w.published
      .filter((e) => e.type === 'strategy.signal')
      .map((e) => e.data as { reason: string });
    // The first live candle is the 31st the strategy saw: the 30 of history built its state.
    expect(signals.map((x) => x.reason)).toEqual(['seen 31', 'seen 32']);
  }, 60_000);

  it('pause then resume: the run opens a new sandbox and the next candle’s signal arrives', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 6, 11);
    const events = candleEvents(feed);
    const w = world(s, evaluateTrustedStrategy(CROSSING_JS), undefined, undefined, sandboxSessions);
    await w.runner.enable({ ...spec('p', s), strategyId: 'counts' });
    await feedAll(w, events.slice(0, 2));
    w.runner.pause('p', 'owner', 'paused by its owner');
    await feedAll(w, events.slice(2, 3));
    expect((await w.runner.resume('p'))?.state).toBe('running');
    await feedAll(w, events.slice(3, 4));
    const signals = w.published.filter((e) => e.type === 'strategy.signal');
    // Two before the pause, none while paused, one for the first candle after the resume.
    expect(signals).toHaveLength(3);
    expect(w.runner.status('p')).toMatchObject({ state: 'running', candles: 3, errors: 0 });
    expect(w.runner.status('p')?.pause).toBeUndefined();
  }, 60_000);

  it('warm-up: a strategy over its CPU budget per candle is paused during warm-up, not after it', async () => {
    const s = settings();
    const feed = randomWalkFeed(SYMBOL, '1m', 60_000, 20, 9);
    const history = candleEvents(feed).map((e) => e.data as FeedCandle);
    const w = world(s, evaluateTrustedStrategy(CROSSING_JS), undefined, undefined, sandboxSessions);
    const runner = new LiveRunner({ ...w.options, history: async () => history });
    w.setRunner(runner);
    const started = Date.now();
    await runner.enable({ ...spec('slow', s), strategyId: 'slow', warmupBars: 20 });
    expect(runner.status('slow')).toMatchObject({ state: 'paused', pause: { code: 'STRATEGY_CPU_LIMIT' } });
    // The first warm-up candle stopped it: not twenty slow steps.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
