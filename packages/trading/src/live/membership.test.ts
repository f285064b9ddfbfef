import { createEventSource, ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { RunnerMembership } from './membership.ts';

describe('runner membership', () => {
  it("splits runs between live members and takes a silent member's runs after the ttl", () => {
    const clock = new ManualClock(1_000_000);
    const source = createEventSource({ source: 'strategy/live', clock });
    const a = new RunnerMembership('a', clock, 10_000);
    const b = new RunnerMembership('b', clock, 10_000);
    const beats = [a.heartbeat(source), b.heartbeat(source)];
    a.observe(beats);
    b.observe(beats);
    const runs = Array.from({ length: 200 }, (_, i) => `run-${i}`);
    // Each run has exactly one owner, and both own some.
    for (const r of runs) expect(a.owns(r) !== b.owns(r)).toBe(true);
    expect(runs.filter((r) => a.owns(r)).length).toBeGreaterThan(50);
    // b stops: after the ttl, a runs everything.
    clock.advance(11_000);
    a.observe([a.heartbeat(source)]);
    expect(a.members()).toEqual(['a']);
    expect(runs.every((r) => a.owns(r))).toBe(true);
  });
});
