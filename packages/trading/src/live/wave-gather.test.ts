import { perTurn } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { hostSessions, type LiveSession, type OpenSession } from '@tickline/strategy';
import { randomWalkFeed, type StrategyDefinition } from '@tickline/strategy/internal';
import { describe, expect, it } from 'vitest';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import type { Order } from '../broker/order.ts';
import type { OrderPlacedData } from '../broker/events.ts';
import { LiveRunner, type LiveRunnerOptions } from './live-runner.ts';
import { candleEvents, settings, spec, world } from './live-world.test-support.ts';

/** Buys on every candle: every run's every answer carries an order. */
const everyCandle: StrategyDefinition = {
  onCandle(ctx) {
    ctx.buy({ qty: 0.01, reason: 'each' });
  },
};

/** An in-memory journal whose claims go per turn, as the SQL journal's do: `turns` counts them. */
class TurnJournal extends InMemoryOrderJournal {
  turns = 0;
  readonly #claimOne = (claim: Order) => super.claim(claim);
  readonly #claims = perTurn(async (claims: readonly Order[]) => {
    this.turns++;
    return Promise.all(claims.map((c) => this.#claimOne(c)));
  });
  override claim(claim: Order): Promise<boolean> {
    return this.#claims(claim);
  }
}

/**
 * Sessions on this thread that answer as a sandbox process does: through `ask`, one answer after
 * the other per process (`source(userId)`, their answer source), each in a turn of the event loop
 * of its own (a part). `held(runId)` answers that run (and so the rest of its process's) only once
 * the returned promise resolves.
 */
function partSessions(
  source: (userId: string) => object,
  held: (runId: string) => Promise<void> | undefined = () => undefined,
): OpenSession {
  const host = hostSessions(async () => everyCandle);
  const parts = new Map<object, Promise<void>>();
  return async (s, capacity) => {
    const session: LiveSession = await host(s, capacity);
    const answerSource = source(s.userId);
    return Object.assign(session, {
      answerSource,
      ask(f, candle, answer) {
        const step = session.advance(f, candle);
        const part = (parts.get(answerSource) ?? Promise.resolve()).then(async () => {
          await held(s.id);
          // A timer apart: not the turn the answer before it was taken in.
          await new Promise((resolve) => setTimeout(resolve, 1));
          await step.then(
            (x) => answer(undefined, x),
            (error: unknown) => answer(error, undefined),
          );
        });
        parts.set(answerSource, part);
      },
    } satisfies Partial<LiveSession>);
  };
}

/** A world of runs `ids` (`<user>-<n>`), each on a portfolio of its own, over sessions `open`. */
async function runsWorld(
  journal: InMemoryOrderJournal,
  open: OpenSession,
  ids: readonly string[],
  options: Partial<LiveRunnerOptions> = {},
) {
  const s = settings();
  const w = world(s, everyCandle, undefined, journal, open);
  const runner = new LiveRunner({ ...w.options, ...options });
  w.setRunner(runner);
  for (const id of ids) {
    w.books.open(`p-${id}`, s.startingCapital, []);
    await runner.enable({ ...spec(id, s), portfolioId: `p-${id}`, userId: id.split('-')[0]! });
  }
  return { ...w, runner };
}

const placedBy = (w: { published: Array<{ type: string; data: unknown }> }, runId: string) =>
  w.published.filter(
    (e) =>
      e.type === 'order.placed' &&
      (e.data as OrderPlacedData).origin?.kind === 'strategy' &&
      (e.data as { origin: { strategyId: string } }).origin.strategyId === runId,
  ).length;

describe('a wave’s orders at the desk (wave-gather.ts)', () => {
  const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 6, 3);

  it('the orders of runs one process answers in several parts reach the desk in one turn per candle', async () => {
    const journal = new TurnJournal();
    const process = {};
    const ids = ['a-1', 'a-2', 'b-1', 'c-1'];
    const w = await runsWorld(journal, partSessions(() => process), ids);
    const before = journal.turns;
    for (const e of candleEvents(feed)) {
      w.track(e.data as { symbol: string; close: number });
      await w.runner.handle([e]);
    }
    for (const id of ids) expect(placedBy(w, id)).toBe(6);
    // One desk turn per candle for the four runs' orders, though each answer came in its own turn
    // (before: one per answer, 24).
    expect(journal.turns - before).toBe(6);
  });

  it("one process's slow answer never holds another process's orders", async () => {
    const journal = new TurnJournal();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const open = partSessions(
      (user) => (user === 'slow' ? slowProcess : fastProcess),
      (runId) => (runId === 'slow-1' ? slow : undefined),
    );
    const slowProcess = {};
    const fastProcess = {};
    // A gather and a box far longer than the test: the fast orders go because their process is done.
    const w = await runsWorld(journal, open, ['fast-1', 'fast-2', 'slow-1'], {
      gatherMs: 600_000,
      waveBoxMs: 3_600_000,
    });
    const [first] = candleEvents(feed);
    w.track(first!.data as { symbol: string; close: number });
    const wave = w.runner.handle([first!]);
    // The fast process's orders are placed while the slow one has not answered.
    await until(() => placedBy(w, 'fast-1') === 1 && placedBy(w, 'fast-2') === 1, { timeoutMs: 30_000 });
    expect(placedBy(w, 'slow-1')).toBe(0);
    release();
    await wave;
    expect(placedBy(w, 'slow-1')).toBe(1);
  });

  it("a slow run holds the orders its process decided before it at most the gather's bound", async () => {
    const journal = new TurnJournal();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const process = {};
    const open = partSessions(
      () => process,
      (runId) => (runId === 'z-slow' ? slow : undefined),
    );
    // A box far longer than the test: the early orders go on the gather's bound, not the box's.
    const w = await runsWorld(journal, open, ['a-1', 'a-2', 'z-slow'], { gatherMs: 20, waveBoxMs: 3_600_000 });
    const [first] = candleEvents(feed);
    w.track(first!.data as { symbol: string; close: number });
    const wave = w.runner.handle([first!]);
    await until(() => placedBy(w, 'a-1') === 1 && placedBy(w, 'a-2') === 1, { timeoutMs: 30_000 });
    expect(placedBy(w, 'z-slow')).toBe(0);
    release();
    await wave;
    expect(placedBy(w, 'z-slow')).toBe(1);
  });

  it('a run stopped while its orders wait for its process places nothing; the others place theirs', async () => {
    const journal = new TurnJournal();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const process = {};
    const open = partSessions(
      () => process,
      (runId) => (runId === 'z-slow' ? slow : undefined),
    );
    const w = await runsWorld(journal, open, ['a-1', 'a-2', 'z-slow'], {
      gatherMs: 600_000,
      waveBoxMs: 3_600_000,
    });
    const [first] = candleEvents(feed);
    w.track(first!.data as { symbol: string; close: number });
    const wave = w.runner.handle([first!]);
    // Both answers taken (their candle counted), their orders held for z-slow's answer.
    await until(() => w.runner.status('a-2')?.candles === 1, { timeoutMs: 30_000 });
    expect(placedBy(w, 'a-1')).toBe(0);
    await w.runner.stop('a-1');
    release();
    await wave;
    expect(placedBy(w, 'a-1')).toBe(0);
    expect(placedBy(w, 'a-2')).toBe(1);
    expect(placedBy(w, 'z-slow')).toBe(1);
  });
});
