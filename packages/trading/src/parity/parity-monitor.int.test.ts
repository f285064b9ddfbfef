/**
 * The parity monitor over the real parity service and a live paper run replayed in the sandbox: the
 * platform's checks go through the system path (an owner whose backtest quota is spent is still
 * checked, and is not charged), the run's latest check is on its status, and a run whose stored
 * version differs from what it ran is reported once, at the first divergence, with the decision
 * and the field.
 */
import { TicklineError } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import {
  evaluateTrustedStrategy,
  runInSandbox,
  SMA_CROSS_SOURCE,
  stripTypes,
  type ReplayMeter,
} from '@tickline/strategy/internal';
import { settings } from '../live/live-world.test-support.ts';
import { createParityMonitor, type ParityCheck } from './parity-monitor.ts';
import { createParityService } from './parity-service.ts';
import { ENABLED_AT, history, livePaperRun, storedRun } from './parity.test-support.ts';

const V1 = stripTypes(SMA_CROSS_SOURCE);
/** What the store says the run is: a version that crosses on a slower average. */
const V2 = V1.replace("slow: { type: 'int', default: 50", "slow: { type: 'int', default: 60");

describe('parity monitor - scheduled checks through the system path', () => {
  it('checks a run whose owner has no backtest left, keeps the check on it, and tells the owner once where it diverged', async () => {
    expect(V2).not.toBe(V1);
    const { w } = await livePaperRun(evaluateTrustedStrategy(V1));
    const s = settings();
    let storedCode = V1;
    const stored = storedRun({ enabledAt: ENABLED_AT, startingCapital: s.startingCapital });
    // The owner's quota is spent: every metered replay is refused.
    let metered = 0;
    const spent: ReplayMeter = async () => {
      metered++;
      throw new TicklineError('STRATEGY_QUOTA_BACKTESTS', 'no backtests left today');
    };
    const parity = createParityService({
      stored: async (id) => (id === 'run-1' ? stored : undefined),
      journal: w.journal,
      history,
      code: async () => storedCode,
      settings: () => s,
      equityAt: async () => s.startingCapital,
      run: runInSandbox,
      limits: () => ({ memoryMb: 64, cpuMs: 20_000 }),
      meter: spent,
      keptReports: 0,
    });
    const status = w.runner.status('run-1')!;
    // The owner asking is metered (and refused).
    await expect(parity(status)).rejects.toMatchObject({ code: 'STRATEGY_QUOTA_BACKTESTS' });
    expect(metered).toBe(1);

    const told: ParityCheck[] = [];
    let now = 1_000;
    const monitor = createParityMonitor({
      runs: () => w.runner.list(),
      report: (run) => parity(run, undefined, true),
      now: () => now,
      onDiverged: (_run, check) => told.push(check),
      onError: (_id, error) => {
        throw error;
      },
    });
    await monitor.checkAll();
    expect(metered).toBe(1);
    expect(status.parity).toMatchObject({ checkedAt: 1_000, state: 'identical' });
    expect(status.parity!.decisions).toBeGreaterThan(2);
    expect(told).toEqual([]);

    storedCode = V2;
    now = 2_000;
    await monitor.checkAll();
    await monitor.checkAll();
    expect(metered).toBe(1);
    expect(status.parity).toMatchObject({ checkedAt: 2_000, state: 'diverged' });
    expect(told).toHaveLength(1);
    const first = told[0]!.firstDivergence!;
    expect(first.decision).toBeGreaterThan(0);
    expect(['candle', 'side', 'type', 'quantity', 'price', 'missing']).toContain(first.field);
    expect(first.live ?? first.replay).toBeDefined();
  }, 120_000);
});
