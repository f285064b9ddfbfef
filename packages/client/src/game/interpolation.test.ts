import { describe, expect, it } from 'vitest';
import { Interpolator } from './interpolation.ts';
import type { DeltaMessage } from '@tickline/protocol';

const delta = (tick: number, parts: Partial<Omit<DeltaMessage, 'tick'>>): DeltaMessage => ({
  tick,
  entered: [],
  moved: [],
  left: [],
  ...parts,
});

describe('Interpolator', () => {
  it('interpolation - draws between the two latest samples and never extrapolates', () => {
    const i = new Interpolator();
    i.apply(delta(10, { entered: [['a', 0, 0]] }));
    i.apply(delta(11, { moved: [['a', 1, 2]] }));
    expect(i.positionAt('a', 10.5)).toEqual({ x: 0.5, y: 1 });
    expect(i.positionAt('a', 9)).toEqual({ x: 0, y: 0 });
    expect(i.positionAt('a', 13)).toEqual({ x: 1, y: 2 });
  });

  it('interpolation - a player who stood still starts moving at the previous delta', () => {
    const i = new Interpolator();
    i.apply(delta(1, { entered: [['a', 0, 0]] }));
    for (let t = 2; t <= 9; t++) i.apply(delta(t, {}));
    i.apply(delta(10, { moved: [['a', 1, 0]] }));
    expect(i.positionAt('a', 9)).toEqual({ x: 0, y: 0 });
    expect(i.positionAt('a', 9.5)).toEqual({ x: 0.5, y: 0 });
  });

  it('interpolation - players who leave are forgotten; sample lists those in view', () => {
    const i = new Interpolator();
    i.apply(
      delta(1, {
        entered: [
          ['a', 1, 1],
          ['b', 2, 2],
        ],
      }),
    );
    i.apply(delta(2, { left: ['a'] }));
    expect(i.positionAt('a', 2)).toBeUndefined();
    expect(i.sample(2)).toEqual([{ id: 'b', x: 2, y: 2 }]);
    expect(i.size).toBe(1);
  });

  it('interpolation - a move for an unknown player places it', () => {
    const i = new Interpolator();
    i.apply(delta(3, { moved: [['c', 4, 5]] }));
    expect(i.positionAt('c', 1)).toEqual({ x: 4, y: 5 });
  });
});
