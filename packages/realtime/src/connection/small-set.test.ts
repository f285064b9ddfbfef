import { describe, expect, it } from 'vitest';
import { SmallSet } from './small-set.ts';

describe('SmallSet', () => {
  it('holds one channel, then many, as a Set would', () => {
    const set = new SmallSet<string>();
    expect([set.size, [...set], set.has('a')]).toEqual([0, [], false]);
    set.add('a').add('a');
    expect([set.size, [...set], set.has('a'), set.has('b')]).toEqual([1, ['a'], true, false]);
    set.add('b').add('c').add('b');
    expect([set.size, [...set]]).toEqual([3, ['a', 'b', 'c']]);
    expect([set.delete('b'), set.delete('b'), set.has('b')]).toEqual([true, false, false]);
    expect([...set]).toEqual(['a', 'c']);
    set.clear();
    expect([set.size, [...set]]).toEqual([0, []]);
  });

  it('deletes its one channel and takes another', () => {
    const set = new SmallSet<string>().add('a');
    expect([set.delete('x'), set.delete('a'), set.size]).toEqual([false, true, 0]);
    set.add('b');
    expect([...set]).toEqual(['b']);
  });
});
