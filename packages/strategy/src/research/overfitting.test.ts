import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal.ts';
import {
  deflatedSharpe,
  deflatedSharpeOfTrials,
  expectedMaxSharpe,
  moments,
  probabilityOfOverfitting,
  returnsOf,
} from './overfitting.ts';

describe('normal distribution', () => {
  it('matches table values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });
});

describe('moments', () => {
  it('computes mean, std, skewness and kurtosis by hand for 1..4', () => {
    const m = moments([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(m.skewness).toBeCloseTo(0, 12);
    // population variance 1.25, fourth moment (2·1.5⁴ + 2·0.5⁴)/4 = 2.5625 → 2.5625 / 1.5625
    expect(m.kurtosis).toBeCloseTo(1.64, 12);
  });

  it('turns an equity curve into simple returns', () => {
    expect([...returnsOf([100, 110, 99])]).toEqual([0.10000000000000009, -0.09999999999999998]);
  });
});

describe('deflated Sharpe ratio', () => {
  it('reproduces the worked example of Bailey & López de Prado (2014)', () => {
    // Annualised SR 2.5 over 5 years of daily returns (T = 1250), skew −3, kurtosis 10, after
    // N = 100 trials whose annualised Sharpe ratios vary by 0.5; the paper gives E[max SR] ≈ 0.1132
    // per day and DSR ≈ 0.9004.
    const r = deflatedSharpe({
      sharpe: 2.5 / Math.sqrt(250),
      n: 1250,
      skewness: -3,
      kurtosis: 10,
      trials: 100,
      trialVariance: 0.5 / 250,
    });
    expect(r.benchmark).toBeCloseTo(0.1132, 4);
    expect(r.value).toBeCloseTo(0.9004, 3);
  });

  it('is the probabilistic Sharpe against zero for a single trial', () => {
    expect(expectedMaxSharpe(1, 0.3)).toBe(0);
    // SR 0.1, n 101, normal returns: Φ(0.1·10 / √(1 + 2/4·0.01)) = Φ(0.99751) ≈ 0.84074
    const r = deflatedSharpe({ sharpe: 0.1, n: 101, skewness: 0, kurtosis: 3, trials: 1, trialVariance: 0 });
    expect(r.value).toBeCloseTo(0.84074, 4);
  });

  it('deflates more as more trials were tried', () => {
    const trials = Array.from({ length: 20 }, (_, j) =>
      Array.from({ length: 200 }, (_, i) => Math.sin(i * (j + 1) * 0.37) * 0.01 + 0.0005 * (j % 3)),
    );
    const few = deflatedSharpeOfTrials(trials.slice(0, 2));
    const many = deflatedSharpeOfTrials(trials);
    expect(many.trials).toBe(20);
    expect(many.benchmark).toBeGreaterThan(few.benchmark);
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  it('is 1 when the in-sample winner always loses out of sample', () => {
    const r = probabilityOfOverfitting([[1, 1, -1, -1], [-1, -1, 1, 1]], { blocks: 2, metric: 'mean' });
    expect(r).toMatchObject({ value: 1, splits: 2, blocks: 2 });
  });

  it('is 0 when one trial dominates everywhere', () => {
    const r = probabilityOfOverfitting([[2, 2, 2, 2], [1, 1, 1, 1]], { blocks: 4, metric: 'mean' });
    expect(r).toMatchObject({ value: 0, splits: 6 });
  });

  it('matches a hand count over the six splits of four blocks', () => {
    // A alternates 3, 0; B earns 1 every block. In-sample {0,2} picks A, which earns 0 out of
    // sample; {1,3} picks B, which A beats out of sample; the other four splits are ties for A
    // at 1.5 against B's 1, so A ranks second of two. 2 of 6 splits overfit.
    const r = probabilityOfOverfitting([[3, 0, 3, 0], [1, 1, 1, 1]], { blocks: 4, metric: 'mean' });
    expect(r!.value).toBeCloseTo(1 / 3, 12);
    expect(r!.logits.filter((l) => l <= 0)).toHaveLength(2);
  });

  it('is null with fewer than two trials or two blocks', () => {
    expect(probabilityOfOverfitting([[1, 2, 3, 4]])).toBeNull();
    expect(probabilityOfOverfitting([[1], [2]])).toBeNull();
  });
});
