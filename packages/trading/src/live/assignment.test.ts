import { describe, expect, it } from 'vitest';
import { liveMembers, ownerOf } from './assignment.ts';

describe('run assignment', () => {
  const runs = Array.from({ length: 3_000 }, (_, i) => `run-${i}`);

  it('splits runs about evenly and every member agrees', () => {
    const members = ['a', 'b', 'c'];
    const counts = new Map<string, number>();
    for (const r of runs) counts.set(ownerOf(r, members)!, (counts.get(ownerOf(r, members)!) ?? 0) + 1);
    for (const m of members) expect(counts.get(m)).toBeGreaterThan(850);
    expect(runs.map((r) => ownerOf(r, [...members].reverse()))).toEqual(runs.map((r) => ownerOf(r, members)));
  });

  it("moves only a stopped member's runs", () => {
    const before = runs.map((r) => ownerOf(r, ['a', 'b', 'c']));
    const after = runs.map((r) => ownerOf(r, ['a', 'c']));
    runs.forEach((_, i) => {
      if (before[i] !== 'b') expect(after[i]).toBe(before[i]);
      else expect(['a', 'c']).toContain(after[i]);
    });
  });

  it('forgets members not heard from within the ttl', () => {
    const seen = new Map([
      ['a', 1_000],
      ['b', 9_000],
    ]);
    expect(liveMembers(seen, 10_000, 5_000)).toEqual(['b']);
    expect(ownerOf('x', [])).toBeUndefined();
  });
});
