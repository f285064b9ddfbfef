import { TicklineError } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { LiveRunStatus } from '../live/live-runner-types.ts';
import type { ParityDecision } from './parity-decisions.ts';
import { createParityMonitor, type ParityCheck } from './parity-monitor.ts';
import { compareDecisions, type ParityReport } from './parity-report.ts';

const decision = (candleCloseTime: number, quantity: number): ParityDecision => ({
  candleCloseTime,
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  quantity,
  percent: 10,
});
const window = { fromMs: 0, toMs: 10, candles: 10, warmupCandles: 0, pausedCandles: 0 };
const reportOf = (id: string, live: ParityDecision[], replay: ParityDecision[]): ParityReport =>
  compareDecisions({ runId: id, strategyId: id, version: 1, window }, live, replay);

const status = (id: string, state: LiveRunStatus['state'] = 'running'): LiveRunStatus => ({
  id,
  strategyId: id,
  version: 1,
  userId: 'u',
  portfolioId: 'p',
  state,
  candles: 3,
  signals: 2,
  lastSignals: [],
  logs: [],
  cpuMs: 0,
  errors: 0,
});

describe('parity monitor', () => {
  it('keeps each running run’s latest check on it and tells the owner once, at the first divergence, naming the decision and field', async () => {
    const runs = [status('a'), status('b'), status('c', 'paused')];
    let drift = 1;
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    const told: Array<[string, ParityCheck]> = [];
    const monitor = createParityMonitor({
      runs: () => runs,
      now: () => 42,
      report: async (s) => {
        asked.push(s.id);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        const live = [decision(1, 2), decision(2, 3 * (s.id === 'b' ? drift : 1))];
        return reportOf(s.id, live, [decision(1, 2), decision(2, 3)]);
      },
      onDiverged: (s, check) => told.push([s.id, check]),
    });
    await monitor.checkAll();
    expect(asked).toEqual(['a', 'b']);
    expect(most).toBe(1);
    expect(runs[0]!.parity).toEqual({ checkedAt: 42, state: 'identical', decisions: 2 });
    expect(told).toEqual([]);

    drift = 0.942;
    await Promise.all([monitor.checkAll(), monitor.check('b')]);
    expect(most).toBe(1);
    expect(runs[1]!.parity).toMatchObject({
      state: 'diverged',
      firstDivergence: { decision: 2, field: 'quantity', live: { quantity: 3 * 0.942 }, replay: { quantity: 3 } },
    });
    expect(told.map(([id, c]) => [id, c.firstDivergence?.decision, c.firstDivergence?.field])).toEqual([
      ['b', 2, 'quantity'],
    ]);
    // Still diverged: the owner was told already.
    await monitor.checkAll();
    expect(told).toHaveLength(1);
  });

  it('a run that decided nothing yet is not checked, and a failed check keeps nothing and says so', async () => {
    const errors: string[] = [];
    const runs = [status('new'), status('broken')];
    const monitor = createParityMonitor({
      runs: () => runs,
      now: () => 1,
      report: async (s) => {
        if (s.id === 'new') throw new TicklineError('STRATEGY_PARITY_UNAVAILABLE', 'nothing decided');
        throw new Error('sandbox gone');
      },
      onDiverged: () => {
        throw new Error('not diverged');
      },
      onError: (id) => errors.push(id),
    });
    await monitor.checkAll();
    expect(errors).toEqual(['broken']);
    expect(runs.map((r) => r.parity)).toEqual([undefined, undefined]);
    expect(monitor.latest('broken')).toBeUndefined();
  });

  it('a run started again is checked after it decided candles again, once', async () => {
    const runs = [status('r', 'paused')];
    const asked: string[] = [];
    const monitor = createParityMonitor({
      runs: () => runs,
      now: () => 1,
      report: async (s) => {
        asked.push(s.id);
        return reportOf(s.id, [decision(1, 2)], [decision(1, 2)]);
      },
      onDiverged: () => {},
    });
    monitor.due('r');
    // Still starting (its old status paused): not yet.
    monitor.checkDue();
    runs[0] = status('r');
    monitor.checkDue();
    monitor.checkDue();
    await monitor.checkAll();
    expect(asked).toEqual(['r']);
    expect(runs[0].parity?.state).toBe('identical');
  });
});
