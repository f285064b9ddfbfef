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

describe('runner membership behind on the log', () => {
  const runs = Array.from({ length: 200 }, (_, i) => `run-${i}`);

  it('a member reading the log late still hears a new member, and gives it its share', () => {
    const clock = new ManualClock(1_000_000);
    const source = createEventSource({ source: 'strategy/live', clock });
    const a = new RunnerMembership('a', clock, 2_500);
    const b = new RunnerMembership('b', clock, 2_500);
    // Both beat at the same moments; a reads each pair ten seconds after it was written (its
    // candle consumer was deciding the candles before them).
    const pairs: ReturnType<typeof source.create>[][] = [];
    for (let k = 0; k < 20; k++) {
      pairs.push([a.heartbeat(source), b.heartbeat(source)]);
      b.observe(pairs.at(-1)!);
      clock.advance(300);
    }
    a.observe(pairs[0]!);
    expect(a.readBack()).toBe(true);
    expect(a.members()).toEqual(['a', 'b']);
    for (const r of runs) expect(a.owns(r) !== b.owns(r)).toBe(true);
  });

  it('a member that stopped beating drops out after the ttl as read, not before', () => {
    const clock = new ManualClock(1_000_000);
    const source = createEventSource({ source: 'strategy/live', clock });
    const a = new RunnerMembership('a', clock, 2_500);
    const b = new RunnerMembership('b', clock, 2_500);
    const log = [a.heartbeat(source), b.heartbeat(source)];
    // b stops; a beats on for 5 s of wall time, then reads only up to 2 s of it.
    for (let k = 0; k < 10; k++) {
      clock.advance(500);
      log.push(a.heartbeat(source));
    }
    a.observe(log.slice(0, 6));
    expect(a.members()).toEqual(['a', 'b']);
    a.observe(log.slice(6));
    expect(a.members()).toEqual(['a']);
    expect(runs.every((r) => a.owns(r))).toBe(true);
  });

  it('before it read its own heartbeat back it judges by the latest one it read', () => {
    const clock = new ManualClock(1_000_000);
    const source = createEventSource({ source: 'strategy/live', clock });
    const b = new RunnerMembership('b', clock, 2_500);
    const old = b.heartbeat(source);
    clock.advance(60_000);
    // A restarted a reads b's minute-old heartbeat from its backlog: b was alive there.
    const a = new RunnerMembership('a', clock, 2_500);
    a.observe([old]);
    expect(a.readBack()).toBe(false);
    expect(a.members()).toEqual(['a', 'b']);
  });
});
