/**
 * A micro-measure, not a timed assertion: the tick cost for 1,000 players that all move every
 * tick (20 per window, so the limit is raised to 25), with and without building `game.player.moved` events, and the interest broadcast.
 * Figures go to stdout; the test asserts only that the work happened.
 */
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { move } from './zone-fixture.ts';
import { Zone } from './zone.ts';

const PLAYERS = 1000;
const WARMUP_TICKS = 50;
const MEASURED_TICKS = 200;

function measure(emitMoveEvents: boolean) {
  const zone = new Zone({
    zoneId: 'bench',
    clock: new ManualClock(0),
    emitMoveEvents,
    maxPlayers: PLAYERS,
    maxCommandsPerWindow: 25,
  });
  const side = Math.ceil(Math.sqrt(PLAYERS));
  for (let i = 0; i < PLAYERS; i++) {
    zone.enqueue({
      kind: 'join',
      playerId: `p${i}`,
      seq: 1,
      x: 100 + (i % side) * 25,
      y: 100 + Math.floor(i / side) * 25,
    });
  }
  zone.step();
  const commands = Array.from({ length: PLAYERS }, (_, i) => move(`p${i}`, 1, 0, 0, 0));
  let stepUs = 0;
  let broadcastUs = 0;
  let deltas = 0;
  for (let t = 0; t < WARMUP_TICKS + MEASURED_TICKS; t++) {
    const tick = zone.tick + 1;
    const dir = Math.floor(tick / 40) % 2 === 0 ? 0.3 : -0.3;
    for (let i = 0; i < PLAYERS; i++) {
      // Reuse command objects: the measure is the zone, not the test's allocations.
      const c = commands[i]!;
      const p = zone.players;
      c.seq++;
      c.tick = tick;
      c.x = p.x[i]! + dir;
      c.y = p.y[i]! + (i % 2 === 0 ? dir : -dir);
      zone.enqueue(c);
    }
    const t0 = performance.now();
    const r = zone.step();
    const t1 = performance.now();
    zone.broadcast(() => deltas++);
    const t2 = performance.now();
    if (t >= WARMUP_TICKS) {
      stepUs += (t1 - t0) * 1000;
      broadcastUs += (t2 - t1) * 1000;
      expect(r.rejections[0]?.reason).toBeUndefined();
    }
  }
  return { stepUs: stepUs / MEASURED_TICKS, broadcastUs: broadcastUs / MEASURED_TICKS, deltas };
}

describe('zone tick timing - 1,000 players moving every tick (report only)', () => {
  it('timing - prints µs per step and per broadcast', () => {
    const withEvents = measure(true);
    const withoutEvents = measure(false);
    const fmt = (m: ReturnType<typeof measure>) =>
      `step ${m.stepUs.toFixed(0)} µs, broadcast ${m.broadcastUs.toFixed(0)} µs`;
    process.stdout.write(
      `zone tick, ${PLAYERS} players: with moved events: ${fmt(withEvents)}; without: ${fmt(withoutEvents)} (budget at 20 Hz: 50,000 µs)\n`,
    );
    expect(withEvents.deltas).toBeGreaterThan(0);
  });
});
