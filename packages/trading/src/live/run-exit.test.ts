import { describe, expect, it, vi } from 'vitest';
import type { OrderPlacedData } from '../broker/events.ts';
import { randomWalkFeed, type StrategyDefinition } from '@tickline/strategy/internal';
import { type FeedCandle, LiveRunner } from './live-runner.ts';
import { P, settings, spec, SYMBOL, world } from './live-world.test-support.ts';
import type { LiveRun } from './live-run.ts';
import { bookPosition } from './run-exit.ts';

/** Buys 1 on every candle, and sells half a unit of what it holds: an entry and an exit each time. */
const entersAndExits: StrategyDefinition = {
  onCandle(ctx) {
    ctx.buy({ qty: 1, reason: 'entry' });
    if (ctx.position().qty > 0) ctx.sell({ qty: 0.5, reason: 'exit' });
  },
};

/** Buys 1 on its first three candles; once flat after that, buys 2 ("flat again"). */
const buysThenHolds: StrategyDefinition = {
  init: () => ({ n: 0 }),
  onCandle(ctx) {
    const st = ctx.state as { n: number };
    st.n++;
    if (st.n <= 3) ctx.buy({ qty: 1, reason: 'entry' });
    else if (ctx.position().qty === 0 && ctx.orders().length === 0) ctx.buy({ qty: 2, reason: 'flat again' });
  },
};

function candles(n: number): FeedCandle[] {
  const c = randomWalkFeed(SYMBOL, '1m', 60_000, n, 5).columns;
  return Array.from(c.closeTime, (_, i) => ({
    symbol: SYMBOL,
    interval: '1m',
    openTime: c.openTime[i]!,
    closeTime: c.closeTime[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  }));
}

async function started(definition: StrategyDefinition = entersAndExits) {
  const s = settings();
  const w = world(s, definition);
  await w.runner.enable(spec('r', s));
  const feed = candles(12);
  let next = 0;
  const step = async (n = 1) => {
    for (const end = next + n; next < end; next++) {
      w.track(feed[next]!);
      await w.runner.onCandle(feed[next]!);
    }
  };
  const placed = () =>
    w.published.filter((e) => e.type === 'order.placed').map((e) => e.data as OrderPlacedData);
  return { w, step, placed };
}

describe('live runs - stop-entry and force exit', () => {
  it('stop-entry: exits are placed, entries are not (and the run logs each)', async () => {
    const { w, step, placed } = await started();
    await step(3);
    expect(placed().some((o) => o.side === 'buy')).toBe(true);
    const before = placed().length;
    expect(w.runner.stopEntry('r', true)?.stopEntry).toBe(true);
    await step(3);
    const after = placed().slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.side === 'sell')).toBe(true);
    expect(w.runner.status('r')!.logs.map((l) => l.text)).toContain(`stop-entry: buy 1 ${SYMBOL} not placed`);
    // Lifted, entries come back.
    w.runner.stopEntry('r', false);
    const lifted = placed().length;
    await step(1);
    expect(
      placed()
        .slice(lifted)
        .some((o) => o.side === 'buy'),
    ).toBe(true);
  });

  it("force exit sells the run's position at market, answers with the fill, and the engine is flat", async () => {
    const { w, step, placed } = await started(buysThenHolds);
    await step(5);
    const held = w.books.position(P, SYMBOL)!.quantity;
    expect(held).toBe(3);
    // Paper market orders fill on the next bar: the answer waits for it.
    const exit = w.runner.forceExit('r', 'u1', undefined, 60_000);
    await vi.waitFor(() => expect(placed().some((o) => o.origin?.kind === 'manual')).toBe(true), {
      timeout: 20_000,
    });
    await step(1);
    const [order, ...more] = (await exit)!;
    expect(more).toEqual([]);
    expect(order).toMatchObject({ side: 'sell', type: 'market', quantity: 3 });
    // Filled by the run's own bars (its 1 m feed here), as its own exits are.
    expect(order!.origin).toEqual({ kind: 'manual', userId: 'u1', fillInterval: '1m' });
    const fills = w.published.filter(
      (e) => e.type === 'order.filled' && (e.data as OrderPlacedData).clientOrderId === order!.clientOrderId,
    );
    expect(fills).toHaveLength(1);
    expect(w.books.position(P, SYMBOL)?.quantity ?? 0).toBeCloseTo(0, 9);
    // The engine booked the exit: on the bar that filled it the strategy saw itself flat and bought
    // 2 (and nothing else); in stop-entry the next bars place nothing.
    const afterExit = () =>
      placed().slice(placed().findIndex((o) => o.clientOrderId === order!.clientOrderId) + 1);
    expect(afterExit().map((o) => [o.side, o.quantity])).toEqual([['buy', 2]]);
    w.runner.stopEntry('r', true);
    await step(2);
    expect(afterExit()).toHaveLength(1);
    // Another symbol holds nothing: no orders; a run not here is undefined.
    expect(await w.runner.forceExit('r', 'u1', 'ETH-USDT', 1)).toEqual([]);
    expect(await w.runner.forceExit('nope', 'u1', undefined, 1)).toBeUndefined();
  });
});

/** Buys 2 on its first candle and sells them on its third: a market exit working until the fourth. */
const buysThenSells: StrategyDefinition = {
  init: () => ({ n: 0 }),
  onCandle(ctx) {
    const st = ctx.state as { n: number };
    st.n++;
    if (st.n === 1) ctx.buy({ qty: 2, reason: 'entry' });
    if (st.n === 3) ctx.sell({ qty: 2, reason: 'exit' });
  },
};

describe("live runs - a force exit while the run's own exit is working", () => {
  it('the working exit is cancelled and the force exit sells the position, not refused for funds it holds', async () => {
    const { w, step, placed } = await started(buysThenSells);
    await step(3);
    expect(w.books.position(P, SYMBOL)!.quantity).toBe(2);
    const own = placed().find((o) => o.side === 'sell')!;
    expect(own).toMatchObject({ quantity: 2 });
    // The run's sell holds its 2 units until the next bar fills it: the force exit comes now.
    const exit = w.runner.forceExit('r', 'u1', undefined, 60_000);
    await vi.waitFor(() => expect(placed().some((o) => o.origin?.kind === 'manual')).toBe(true), {
      timeout: 20_000,
    });
    await step(1);
    const answer = (await exit)!;
    expect(answer.map((o) => [o.side, o.type, o.quantity])).toEqual([['sell', 'market', 2]]);
    const events = (type: string, clientOrderId: string) =>
      w.published.filter(
        (e) => e.type === type && (e.data as OrderPlacedData).clientOrderId === clientOrderId,
      );
    expect(events('order.filled', answer[0]!.clientOrderId)).toHaveLength(1);
    // The run's own sell ended cancelled, never filled: the position was sold once.
    expect(events('order.cancelled', own.clientOrderId)).toHaveLength(1);
    expect(events('order.filled', own.clientOrderId)).toHaveLength(0);
    expect(w.books.position(P, SYMBOL)?.quantity ?? 0).toBeCloseTo(0, 9);
  });
});

describe('live runs - a force exit while an entry is being placed', () => {
  it('the entry is cancelled once the venue has it, not refused as unknown and filled after the exit', async () => {
    const s = settings();
    const w = world(s, entersAndExits);
    await w.runner.enable(spec('r', s));
    // The venue is slow to take the run's next entry: the force exit comes while it is on its way.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const place = w.desk.place.bind(w.desk);
    w.desk.place = async (request) => {
      await gate;
      return place(request);
    };
    const candle = candles(1)[0]!;
    w.track(candle);
    const decided = w.runner.onCandle(candle);
    await vi.waitFor(() => expect(w.runner.status('r')!.signals).toBe(1), { timeout: 20_000 });
    const exit = w.runner.forceExit('r', 'u1', undefined, 1);
    release();
    await decided;
    expect((await exit)!.map((o) => [o.side, o.status])).toEqual([['buy', 'cancelled']]);
    expect(w.books.position(P, SYMBOL)?.quantity ?? 0).toBe(0);
  });
});

describe('live runs - a force exit stays booked when the run starts again', () => {
  it('a run rebuilt from the journal after a force exit is flat, and does not sell what is gone', async () => {
    const s = settings();
    const w = world(s, buysThenHolds);
    const feed = candles(12);
    const first = { ...spec('r', s), ordersSince: feed[0]!.openTime };
    await w.runner.enable(first);
    const step = async (runner: LiveRunner, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        w.track(feed[i]!);
        await runner.onCandle(feed[i]!);
      }
    };
    await step(w.runner, 0, 5);
    w.runner.stopEntry('r', true);
    const exit = w.runner.forceExit('r', 'u1', undefined, 60_000);
    const manual = () =>
      w.published.some(
        (e) => e.type === 'order.placed' && (e.data as OrderPlacedData).origin?.kind === 'manual',
      );
    await vi.waitFor(() => expect(manual()).toBe(true), { timeout: 20_000 });
    await step(w.runner, 5, 6);
    expect((await exit)!.map((o) => o.side)).toEqual(['sell']);
    expect(w.books.position(P, SYMBOL)?.quantity ?? 0).toBeCloseTo(0, 9);
    expect(w.runner.status('r')!.positions).toBeUndefined();

    // The process is gone; its successor rebuilds the run's books from the journal.
    const runner = new LiveRunner({ ...w.options, history: async () => feed.slice(0, 6) });
    w.setRunner(runner);
    await runner.enable(first, { persist: false, resumeAfter: feed[5]!.closeTime });
    expect(runner.status('r')!.positions).toBeUndefined();
    expect(await runner.forceExit('r', 'u1', undefined, 1)).toEqual([]);
  });
});

describe('a run keeps its positions in its status, fill by fill', () => {
  it('each fill moves its symbol in place; a position netted to dust is closed, as runPositions nets it', () => {
    const run = { status: {} } as unknown as LiveRun;
    const fills: Array<[string, number]> = [
      ['BTC-USDT', 0.3],
      ['ETH-USDT', -2],
      ['BTC-USDT', 0.1],
      ['BTC-USDT', -0.4],
      ['ETH-USDT', 2],
    ];
    const seen = fills.map(([symbol, quantity]) => {
      bookPosition(run, symbol, quantity);
      return run.status.positions?.map((p) => `${p.quantity} ${p.symbol}`).join(', ') ?? 'flat';
    });
    expect(seen).toEqual([
      '0.3 BTC-USDT',
      '0.3 BTC-USDT, -2 ETH-USDT',
      `${0.3 + 0.1} BTC-USDT, -2 ETH-USDT`,
      '-2 ETH-USDT',
      'flat',
    ]);
  });
});
