import type ivm from 'isolated-vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { LiveReport } from './isolate-live.ts';
import { applyNotes } from './live-notes.ts';
import { LiveTenants } from './live-tenants.ts';
import type { OpenRunPayload, StepPayload } from './live-wire.ts';
import { stepMessage } from './step-rows.test-support.ts';

/** Isolates made, in order: a tenant's clock of time spent inside it tells when it was entered. */
const made = vi.hoisted(() => [] as ivm.Isolate[]);
vi.mock('isolated-vm', async (importOriginal) => {
  const original = (await importOriginal<{ default: typeof ivm }>()).default;
  class Seen extends original.Isolate {
    constructor(options?: ivm.IsolateOptions) {
      super(options);
      made.push(this);
    }
  }
  // The module's members are not enumerable: the rest of it is reached through the prototype.
  return { default: Object.create(original, { Isolate: { value: Seen, enumerable: true } }) as typeof ivm };
});

/** Buys on its first candle and logs, every candle, what its books say. */
const BUYER = `export default defineStrategy({
  onCandle(ctx) {
    ctx.log('qty=' + ctx.position().qty + ' open=' + ctx.orders().length);
    if (ctx.feed.index === 0) ctx.buy({ qty: 2, reason: 'first' });
  },
});`;

function payload(runId: string): OpenRunPayload {
  return {
    runId,
    tenant: 'owner',
    tenantMemoryMb: 32,
    code: BUYER,
    feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
    settings: resolveBacktestSettings({}),
    params: {},
    capacity: 64,
    limits: { cpuMsPerCandle: 50, setupCpuMs: 2_000, warmupCpuMs: 2_000 },
  };
}

/** A step message for `handles` on candle `k`. */
const message = (handles: readonly number[], k: number): StepPayload =>
  stepMessage(handles, {
    openTime: k * 60_000,
    closeTime: (k + 1) * 60_000,
    open: 100,
    high: 101,
    low: 99,
    close: 100,
    volume: 10,
  });

const logs = (reports: Array<[number, LiveReport]>) =>
  reports.map(([i, r]) => [i, r.ok ? r.logs.map((l) => l.text) : r.error.code]);

describe('live notes - fills and finished orders ride with the next step', () => {
  const live = new LiveTenants();
  afterEach(() => {
    for (const id of ['a', 'b']) live.close(id);
  });

  it("are booked in the run's next step, not in calls into the isolate of their own", async () => {
    const a = await live.open(payload('a'));
    const b = await live.open(payload('b'));
    const first = live.step(message([a.handle, b.handle], 0), () => {});
    const placed = first.reports.map(([, r]) => (r.ok ? r.placed[0]!.id : -1));
    expect(placed.every((id) => id > 0)).toBe(true);

    // Entering a cold isolate costs more than booking a fill: a note makes no call of its own.
    const isolate = made.at(-1)!;
    const inside = isolate.wallTime;
    applyNotes(live, [
      ['fill', 'a', ['BTC-USDT', 'buy', 2, 100, 0.2, 60_000, 'first']],
      ['done', 'a', placed[0]!],
    ]);
    expect(isolate.wallTime).toBe(inside);

    const next = live.step(message([a.handle, b.handle], 1), () => {});
    // The notes booked before the runs' steps: `a` holds its fill, `b` still waits for its own.
    expect(isolate.wallTime).toBeGreaterThan(inside);
    expect(logs(next.reports)).toEqual([
      [0, ['qty=2 open=0']],
      [1, ['qty=0 open=1']],
    ]);
  });

  it('are booked before a restore reads the books', async () => {
    const a = await live.open(payload('a'));
    const first = live.step(message([a.handle], 0), () => {});
    const id = first.reports[0]![1].ok
      ? (first.reports[0]![1] as { placed: Array<{ id: number }> }).placed[0]!.id
      : -1;
    live.fill('a', ['BTC-USDT', 'buy', 2, 100, 0.2, 60_000, 'first']);
    live.done('a', id);
    // A restore books more on top: the noted fill must already be there, once.
    live.restore('a', { fills: [['BTC-USDT', 'buy', 1, 100, 0.1, 60_000, 'more']], orders: [] });
    const next = live.step(message([a.handle], 1), () => {});
    expect(logs(next.reports)).toEqual([[0, ['qty=3 open=0']]]);
  });
});
