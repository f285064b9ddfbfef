import { afterAll, describe, expect, it } from 'vitest';
import {
  createInlineExecutor,
  evaluateTrustedStrategy,
  runBacktest,
  SMA_CROSS_SOURCE,
  type StrategyDefinition,
  stripTypes,
} from '@tickline/strategy/internal';
import { crossing } from '../live/live-world.test-support.ts';
import { cutAtSwitchCancels, replayParity, type ParityReplayOptions } from './parity-replay.ts';
import { BARS, ENABLED_AT, livePaperRun, WARMUP } from './parity.test-support.ts';

/** Replays on this thread (trusted definitions only). */
const onHost =
  (definition: StrategyDefinition): ParityReplayOptions['execute'] =>
  async (job) =>
    runBacktest(definition, job.feeds, job.settings, {
      ...(job.params ? { params: job.params } : {}),
      recordSignals: job.recordSignals === true,
      ...(job.warmupUntil === undefined ? {} : { warmupUntil: job.warmupUntil }),
      ...(job.paused === undefined ? {} : { paused: job.paused }),
    });

describe('parity report', () => {
  const sandbox = createInlineExecutor();
  afterAll(() => sandbox.close());

  it('a live paper run replayed with its own version is identical, decision by decision', async () => {
    const { base, orders } = await livePaperRun(crossing);
    expect(orders.length).toBeGreaterThan(10);
    const report = await replayParity({ ...base, execute: onHost(crossing) });
    expect(report.window).toMatchObject({ candles: BARS - WARMUP, warmupCandles: WARMUP });
    expect(report.identical).toBe(true);
    expect(report.liveDecisions).toBe(orders.length);
    expect(report.summary).toBe(`identical, ${orders.length} decisions`);
    expect(report.rows.every((r) => r.differs.length === 0)).toBe(true);
    // Stops and limits are in it, with their prices.
    expect(new Set(report.rows.map((r) => r.live!.type))).toEqual(new Set(['market', 'stop', 'limit']));
  });

  it('the store has not recorded the newest candles the run decided: both sides stop at the newest stored', async () => {
    const { base, orders } = await livePaperRun(crossing);
    const decidedOn = (o: (typeof orders)[number]) =>
      o.origin?.kind === 'strategy' ? o.origin.candleCloseTime : Number.NaN;
    const closes = orders.map(decidedOn).sort((a, b) => a - b);
    // The store is behind by the run's last few decisions (it records asynchronously).
    const lastStored = closes.at(-4)! - 1;
    const report = await replayParity({
      ...base,
      history: (s, i, count, before) => base.history(s, i, count, Math.min(before, lastStored)),
      execute: onHost(crossing),
    });
    const kept = orders.filter((o) => decidedOn(o) <= lastStored).length;
    expect(kept).toBeLessThan(orders.length);
    expect(report.summary).toBe(`identical, ${kept} decisions`);
    expect(report.window.toMs).toBeLessThanOrEqual(lastStored);
  });

  it('a run enabled without warm-up is replayed without any: identical', async () => {
    const { base, orders } = await livePaperRun(crossing, {}, 0);
    expect(orders.length).toBeGreaterThan(10);
    const report = await replayParity({ ...base, execute: onHost(crossing) });
    expect(report.window).toMatchObject({ candles: BARS - WARMUP, warmupCandles: 0 });
    expect(report.summary).toBe(`identical, ${orders.length} decisions`);
  });

  it('percent orders sized from equity, replayed in the sandbox from the stored code: identical', async () => {
    const js = stripTypes(SMA_CROSS_SOURCE);
    const { base, orders } = await livePaperRun(evaluateTrustedStrategy(js), { fast: 5, slow: 15 });
    expect(orders.length).toBeGreaterThan(4);
    const report = await replayParity({ ...base, execute: (job) => sandbox.run({ ...job, code: js }) });
    expect(report.rows[0]!.replay!.percent).toBe(100);
    expect(report.summary).toBe(`identical, ${orders.length} decisions`);
  });

  it('a changed version shows the first divergence, and the rows agree up to it', async () => {
    const { base } = await livePaperRun(crossing);
    // The next version of the strategy: a slower slow average by default.
    const changed: StrategyDefinition = {
      ...crossing,
      params: { ...crossing.params, slow: { type: 'int', default: 16 } },
    };
    const report = await replayParity({ ...base, execute: onHost(changed) });
    expect(report.identical).toBe(false);
    const first = report.firstDivergence!;
    expect(report.rows[first]!.differs.length).toBeGreaterThan(0);
    expect(report.rows.slice(0, first).every((r) => r.differs.length === 0)).toBe(true);
    expect(report.summary).toMatch(/^diverges at decision \d+/);
    expect(report.summary).toContain(new Date(report.rows[first]!.live!.candleCloseTime).toISOString());
  });

  it('a replay without the run’s warm-up is not the run: warm-up decisions would count', async () => {
    const { base } = await livePaperRun(crossing);
    const report = await replayParity({
      ...base,
      execute: (job) => onHost(crossing)({ ...job, warmupUntil: -Infinity }),
    });
    expect(report.identical).toBe(false);
  });

  it('candles that closed while the run warmed up are warm-up too, and the replay warms up on the same candles: identical', async () => {
    // The first read sees the candles closed two minutes before the enable; the last two are
    // stored while the run warms up, and its next read takes them into its warm-up.
    const counting: StrategyDefinition = {
      init: () => ({ n: 0 }),
      onCandle(ctx) {
        const st = ctx.state as { n: number };
        st.n++;
        // Its order size counts the candles it saw: one it missed, or saw twice, changes every order.
        ctx.buy({ qty: 0.0001 * st.n, reason: `seen ${st.n}` });
      },
    };
    const { base, orders, windows } = await livePaperRun(counting, {}, WARMUP, { storedLate: 2 });
    expect(windows).toEqual([{ from: ENABLED_AT - (WARMUP - 1) * 60_000, to: ENABLED_AT }]);
    const report = await replayParity({
      ...base,
      run: { ...base.run, warmup: windows },
      execute: onHost(counting),
    });
    expect(report.window).toMatchObject({ candles: BARS - WARMUP, warmupCandles: WARMUP });
    expect(report.rows[0]!.live!.quantity).toBeCloseTo(0.0001 * (WARMUP + 1), 10);
    expect(report.summary).toBe(`identical, ${orders.length} decisions`);
  });

  it('a run paused and resumed: the replay decides nothing where the run was paused, and is identical', async () => {
    // Paused after live candle 18 with a stop and a limit working, resumed before candle 60.
    const { base, orders } = await livePaperRun(crossing, {}, WARMUP, { pause: { after: 18, resume: 60 } });
    const pausedAfter = ENABLED_AT + 19 * 60_000;
    const resumedAt = ENABLED_AT + 60 * 60_000;
    expect(base.run.paused).toEqual([{ after: pausedAfter, until: resumedAt }]);
    const times = orders.map((x) => (x.origin as { candleCloseTime: number }).candleCloseTime);
    expect(times.filter((t) => t > pausedAfter && t <= resumedAt)).toEqual([]);
    expect(times.filter((t) => t > resumedAt).length).toBeGreaterThan(5);
    // An order resting at the pause filled while it was paused (the venue kept it).
    const pausedFills = orders.filter(
      (x) => x.status === 'filled' && x.fills[0]!.time > pausedAfter && x.fills[0]!.time <= resumedAt,
    );
    expect(pausedFills.length).toBeGreaterThan(0);
    const skipped = (resumedAt - pausedAfter) / 60_000;
    const report = await replayParity({ ...base, execute: onHost(crossing) });
    expect(report.window).toMatchObject({
      candles: BARS - WARMUP - skipped,
      warmupCandles: WARMUP,
      pausedCandles: skipped,
    });
    expect(report.summary).toBe(
      `identical, ${orders.length} decisions (${skipped} candles skipped while paused)`,
    );
    // Without the span the replay decides on the paused candles: it parts from the run there.
    const unpaused = await replayParity({
      ...base,
      run: { ...base.run, paused: [] },
      execute: onHost(crossing),
    });
    expect(unpaused.identical).toBe(false);
  });

  it('a run paused by the kill switch (its working orders cancelled) and resumed: identical', async () => {
    const { base, orders } = await livePaperRun(crossing, {}, WARMUP, {
      pause: { after: 18, resume: 60, killSwitch: true },
    });
    const pausedAfter = ENABLED_AT + 19 * 60_000;
    expect(orders.some((x) => x.status === 'cancelled' && x.origin?.kind === 'strategy')).toBe(true);
    expect(base.run.paused).toEqual([
      { after: pausedAfter, until: ENABLED_AT + 60 * 60_000, cancelled: true },
    ]);
    const report = await replayParity({ ...base, execute: onHost(crossing) });
    expect(report.summary).toMatch(/^identical/);
  });

  it('a run paused by its owner, the kill switch engaged meanwhile and resumed: the replay cancels its orders at the switch, identical', async () => {
    // Paused after live candle 18 with a stop and a limit working; the resting ones that did not
    // fill by candle 30 are cancelled by the switch there; resumed before candle 60.
    const { base, orders } = await livePaperRun(crossing, {}, WARMUP, {
      pause: { after: 18, resume: 60, killSwitchAt: 30 },
    });
    const pausedAfter = ENABLED_AT + 19 * 60_000;
    const switchAt = ENABLED_AT + 31 * 60_000;
    const cancelled = orders.filter((x) => x.status === 'cancelled' && x.detail === 'kill switch');
    expect(cancelled.map((x) => x.updatedAt)).toContain(switchAt);
    // The store knows an owner's pause only: nothing in it says the orders were cancelled
    expect(base.run.paused).toEqual([{ after: pausedAfter, until: ENABLED_AT + 60 * 60_000 }]);
    const report = await replayParity({ ...base, execute: onHost(crossing) });
    expect(report.summary).toMatch(/^identical/);
    expect(
      cutAtSwitchCancels(
        base.run.paused!.map((p) => ({ ...p, after: p.after! })),
        orders,
      ).map((p) => [p.after, p.until, p.cancelled === true]),
    ).toEqual([
      [pausedAfter, switchAt, false],
      [switchAt, ENABLED_AT + 60 * 60_000, true],
    ]);
  });

  it('a run that decided nothing yet has no report (coded)', async () => {
    const { base } = await livePaperRun(crossing);
    await expect(
      replayParity({ ...base, run: { ...base.run, decidedUntil: ENABLED_AT }, execute: onHost(crossing) }),
    ).rejects.toMatchObject({ code: 'STRATEGY_PARITY_UNAVAILABLE' });
  });
});
