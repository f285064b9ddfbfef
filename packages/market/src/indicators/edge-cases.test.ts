import { describe, expect, it } from 'vitest';
import {
  INDICATOR_PARAM_INVALID,
  obv,
  rsi,
  sma,
  SmaStream,
  stochastic,
  vwap,
  VwapStream,
  wma,
} from '../index.ts';

describe('indicators edge cases', () => {
  it('params - a non-integer or zero period is rejected with a stable code', () => {
    expect(() => sma([1, 2], 0)).toThrow(expect.objectContaining({ code: INDICATOR_PARAM_INVALID }));
    expect(() => new SmaStream(2.5)).toThrow(expect.objectContaining({ code: INDICATOR_PARAM_INVALID }));
  });

  it('params - parallel inputs of different lengths are rejected', () => {
    expect(() => obv([1, 2, 3], [1, 2])).toThrow(expect.objectContaining({ code: INDICATOR_PARAM_INVALID }));
  });

  it('wma - weights rise towards the newest value', () => {
    expect(Array.from(wma([1, 2, 3, 4], 3))).toEqual([NaN, NaN, 14 / 6, 20 / 6]);
  });

  it('rsi - no losses gives 100, a flat series 50', () => {
    expect(rsi([1, 2, 3, 4], 3)[3]).toBe(100);
    expect(rsi([5, 5, 5, 5], 3)[3]).toBe(50);
  });

  it('stochastic - close at the window high is 100, a zero range 50', () => {
    const r = stochastic([2, 3, 4], [1, 1, 1], [1.5, 2, 4], 3, 1);
    expect(r.k[2]).toBe(100);
    expect(stochastic([1, 1], [1, 1], [1, 1], 2, 1).k[1]).toBe(50);
  });

  it('vwap - a session change restarts the cumulative average', () => {
    const out = vwap([10, 20, 30, 40], [1, 1, 1, 3], [0, 0, 1, 1]);
    expect(Array.from(out)).toEqual([10, 15, 30, 37.5]);
    const st = new VwapStream();
    expect([st.update(10, 1, 0), st.update(20, 1, 0), st.update(30, 1, 1), st.update(40, 3, 1)]).toEqual([
      10, 15, 30, 37.5,
    ]);
  });

  it('vwap - zero volume so far is NaN', () => {
    expect(vwap([10], [0])[0]).toBeNaN();
  });

  it('obv - adds volume on up closes, subtracts on down, ignores flat', () => {
    expect(Array.from(obv([1, 2, 2, 1], [5, 6, 7, 8]))).toEqual([0, 6, 6, -2]);
  });
});
