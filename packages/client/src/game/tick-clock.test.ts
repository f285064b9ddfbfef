import { describe, expect, it } from 'vitest';
import { TickClock } from './tick-clock.ts';

describe('TickClock', () => {
  it('tick clock - runs forward from the welcome tick on the local clock', () => {
    const c = new TickClock(20);
    c.reset(100, 1000);
    expect(c.at(1000)).toBe(100);
    expect(c.at(1125)).toBe(102.5);
    expect(c.stamp(1125)).toBe(102);
  });

  it('tick clock - a later tick heard moves the estimate up at once', () => {
    const c = new TickClock(20);
    c.reset(100, 0);
    c.observe(110, 100);
    expect(c.at(100)).toBe(110);
  });

  it('tick clock - an estimate far ahead of the server is pulled back, stamps never decrease', () => {
    const c = new TickClock(20, 3);
    c.reset(100, 0);
    expect(c.stamp(1000)).toBe(120);
    // The server stalled: it is only at tick 105 one second later.
    c.observe(105, 1000, 1);
    expect(c.at(1000)).toBe(106);
    expect(c.stamp(1000)).toBe(120);
    expect(c.stamp(1500)).toBe(120);
    expect(c.stamp(2000)).toBe(126);
  });

  it('tick clock - small lead within the allowance is kept', () => {
    const c = new TickClock(20, 3);
    c.reset(100, 0);
    c.observe(99, 50, 0);
    expect(c.at(50)).toBe(101);
  });
});
