import { describe, expect, it } from 'vitest';
import { streamGaps } from './probes.ts';

describe('cluster - a stream against the log', () => {
  const logged = ['a', 'b', 'c', 'd', 'e', 'f'];
  it('gaps - a stream that got b…e, some out of order, missed nothing of its stretch', () => {
    expect(streamGaps(['b', 'd', 'c', 'e'], logged)).toEqual({ missing: [], duplicates: [], unknown: [] });
  });
  it('gaps - one missing inside the stretch, one twice, one the log never had', () => {
    expect(streamGaps(['b', 'c', 'c', 'e', 'x'], logged)).toEqual({ missing: ['d'], duplicates: ['c'], unknown: ['x'] });
  });
});
