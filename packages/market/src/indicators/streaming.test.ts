import { describe, expect, it } from 'vitest';
import { cases } from './cases.test-support.ts';
import { randomWalkOhlcv } from './random-walk.ts';

const BARS = 400;
const series = randomWalkOhlcv(BARS, 7);
/** A different series whose bars serve as wrong "forming" values that later get replaced. */
const noise = randomWalkOhlcv(BARS, 99, 80, 0.05);

function expectClose(actual: number, expected: number, where: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, where).toBeNaN();
    return;
  }
  expect(Math.abs(actual - expected), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe.each(cases)('indicator $name', (c) => {
  const expected = c.batch(series);

  it('streaming - update equals batch at every index', () => {
    const st = c.stream();
    for (let i = 0; i < BARS; i++) {
      st.update(series, i).forEach((v, k) => expectClose(v, expected[k]![i]!, `i=${i} out=${k}`));
    }
  });

  it('streaming - replace then update equals recomputing from scratch', () => {
    const st = c.stream();
    for (let i = 0; i < BARS; i++) {
      // Every bar forms as two wrong revisions before its final value, as a live candle does.
      st.update(noise, i);
      st.replace(noise, (i * 7) % BARS);
      st.replace(series, i).forEach((v, k) => expectClose(v, expected[k]![i]!, `i=${i} out=${k}`));
    }
  });

  it('streaming - replace before any update acts as the first update', () => {
    const st = c.stream();
    st.replace(series, 0).forEach((v, k) => expectClose(v, expected[k]![0]!, `out=${k}`));
    st.update(series, 1).forEach((v, k) => expectClose(v, expected[k]![1]!, `out=${k}`));
  });

  it('batch - warm-up is NaN and the rest finite', () => {
    for (const out of expected) {
      expect(out.length).toBe(BARS);
      const first = out.findIndex((v) => !Number.isNaN(v));
      expect(first).toBeGreaterThanOrEqual(0);
      for (let i = first; i < BARS; i++) expect(Number.isFinite(out[i]), `i=${i}`).toBe(true);
    }
  });
});
