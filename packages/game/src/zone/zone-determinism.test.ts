import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { ZoneCommand } from './commands.ts';
import { ZONE_SNAPSHOT_FORMAT } from './snapshot.ts';
import { move, walledZone, WALLED_MAP } from './zone-fixture.ts';
import { Zone } from './zone.ts';

/** A small seeded PRNG (mulberry32) so the script is the same in every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 200 ticks of commands for 5 players: joins, wanders (some illegal), a leave. */
function script(seed: number): ZoneCommand[][] {
  const rnd = prng(seed);
  const ticks: ZoneCommand[][] = [];
  const seq = new Map<string, number>();
  const next = (id: string) => {
    seq.set(id, (seq.get(id) ?? 0) + 1);
    return seq.get(id)!;
  };
  for (let t = 1; t <= 200; t++) {
    const cmds: ZoneCommand[] = [];
    for (let p = 0; p < 5; p++) {
      const id = `p${p}`;
      if (t === 1) cmds.push({ kind: 'join', playerId: id, seq: next(id), x: 0.5 + p, y: 0.5 });
      else if (t === 150 && p === 0) cmds.push({ kind: 'leave', playerId: id, seq: next(id) });
      else if (rnd() < 0.6) cmds.push(move(id, next(id), t, rnd() * 10.4 - 0.2, rnd() * 10.4 - 0.2));
    }
    ticks.push(cmds);
  }
  return ticks;
}

function run(zone: Zone, ticks: ZoneCommand[][]) {
  const log: unknown[] = [];
  for (const cmds of ticks) {
    for (const c of cmds) zone.enqueue(c);
    const r = zone.step();
    log.push([
      r.acks.map((a) => ({ ...a })),
      r.rejections.map((x) => ({ ...x })),
      r.events.map((e) => [e.type, e.seq, e.data]),
    ]);
  }
  return log;
}

describe('zone determinism - same inputs, same state', () => {
  it('determinism - two runs of the same script end in identical state and outputs', () => {
    const ticks = script(42);
    const a = walledZone();
    const b = walledZone();
    expect(run(a, ticks)).toEqual(run(b, ticks));
    expect(a.snapshot()).toEqual(b.snapshot());
    expect(a.snapshot().players.length).toBe(4);
    // The script exercises both sides of validation, so equality is not trivially "nothing moved"
    const text = JSON.stringify(run(walledZone(), ticks));
    expect(text).toContain('game.player.moved');
    expect(text).toContain('GAME_MOVE_TOO_FAST');
  });

  it('snapshot - a zone restored from a JSON round-tripped snapshot continues exactly like the original', () => {
    const ticks = script(7);
    const original = walledZone();
    run(original, ticks.slice(0, 100));
    const snap = JSON.parse(JSON.stringify(original.snapshot('log-pos-17')));
    expect(snap).toMatchObject({
      format: ZONE_SNAPSHOT_FORMAT,
      zoneId: 'z1',
      tick: 100,
      lastLogPosition: 'log-pos-17',
    });
    const restored = Zone.restore(snap, {
      zoneId: 'ignored',
      clock: new ManualClock(1_700_000_000_000),
      map: WALLED_MAP,
      maxSpeedPerTick: 1,
      teleportDistance: 5,
      viewRadius: 3,
    });
    expect(run(restored, ticks.slice(100))).toEqual(run(original, ticks.slice(100)));
    expect(restored.snapshot()).toEqual(original.snapshot());
  });
});
