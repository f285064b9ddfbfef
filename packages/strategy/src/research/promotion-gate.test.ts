import { describe, expect, it } from 'vitest';
import { evaluateGate, GateThresholdsSchema, type StoredReport } from './promotion-gate.ts';
import type { ResearchReport } from './research-report.ts';

const overfitting = (dsr: number, pbo: number | null) => ({
  deflatedSharpe: { value: dsr, benchmark: 0.01, sharpe: 0.05, trials: 4, n: 1000 },
  pbo: pbo === null ? null : { value: pbo, splits: 70, blocks: 8 },
});
const lookahead = (ok: boolean): StoredReport => ({
  id: 'look',
  kind: 'lookahead',
  report: { kind: 'lookahead', lookahead: { ok, cutoffs: [1], signals: 3, differences: [] }, overfitting: overfitting(0.9, null) },
});
const walkForward = (oos: number, dsr: number, pbo: number | null): StoredReport => ({
  id: 'wf',
  kind: 'walk-forward',
  report: {
    kind: 'walk-forward',
    walkForward: { windows: [], equity: [], totalReturn: 0.1, maxDrawdown: -0.05, runs: 10, outOfSampleBarSharpe: oos },
    overfitting: overfitting(dsr, pbo),
  } as unknown as ResearchReport,
});
const defaults = GateThresholdsSchema.parse(undefined);

describe('promotion gate', () => {
  it('passes a clean look-ahead and a walk-forward within every threshold', () => {
    const v = evaluateGate([walkForward(0.02, 0.97, 0.2), lookahead(true)], defaults);
    expect(v.passed).toBe(true);
    expect(v.checks.map((c) => c.name)).toEqual(['lookahead', 'walkForward', 'outOfSampleSharpe', 'deflatedSharpe', 'pbo']);
  });

  it('names each failed check with its value and limit', () => {
    const v = evaluateGate([walkForward(-0.01, 0.5, 0.8), lookahead(false)], defaults);
    expect(v.passed).toBe(false);
    expect(v.checks.filter((c) => !c.passed)).toEqual([
      { name: 'lookahead', passed: false, value: false, limit: true, researchId: 'look' },
      { name: 'outOfSampleSharpe', passed: false, value: -0.01, limit: 0, researchId: 'wf' },
      { name: 'deflatedSharpe', passed: false, value: 0.5, limit: 0.95, researchId: 'wf' },
      { name: 'pbo', passed: false, value: 0.8, limit: 0.5, researchId: 'wf' },
    ]);
  });

  it('fails without reports and reads only the newest of each kind', () => {
    expect(evaluateGate([], defaults).passed).toBe(false);
    expect(evaluateGate([walkForward(0.02, 0.99, 0.1), walkForward(-1, 0, 1), lookahead(true)], defaults).passed).toBe(true);
  });

  it('takes configured thresholds', () => {
    const loose = GateThresholdsSchema.parse({ requireLookahead: false, minDeflatedSharpe: 0.4, maxPbo: 0.9 });
    expect(evaluateGate([walkForward(0.01, 0.5, 0.8)], loose).passed).toBe(true);
  });
});
