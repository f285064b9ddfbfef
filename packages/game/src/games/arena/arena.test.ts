import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { checkGame, RulesRoom, SeededRandom } from '../../rules/index.ts';
import type { ZoneCommand } from '../../zone/commands.ts';
import { stepWith, walledZone, WALLED_MAP } from '../../zone/zone-fixture.ts';
import { arenaGame } from './arena.ts';

const RULES = { map: WALLED_MAP, maxSpeedPerTick: 1, teleportDistance: 5, viewRadius: 3, spawn: { x: 2.5, y: 5.5 } };

/**
 * One tick of a client walking from where the server says it is: mostly legal steps, sometimes a
 * jump, a stale tick stamp, a burst of moves, a walk into a wall or off the map.
 */
function nextMoves(random: SeededRandom, from: { x: number; y: number }, tick: number, seq: () => number): ZoneCommand[] {
  const moves: ZoneCommand[] = [];
  for (let n = random.int(0, 3); n > 0; n--) {
    const far = random.next() < 0.1 ? 8 : 0.7;
    const x = from.x + (random.next() * 2 - 1) * far;
    const y = from.y + (random.next() * 2 - 1) * far;
    const stamp = random.next() < 0.1 ? tick - random.int(1, 20) : tick;
    moves.push({ kind: 'move', playerId: 'p', seq: seq(), tick: stamp, x, y });
  }
  return moves;
}

describe('arena - the movement game on the rules API', () => {
  it('fits the rules API', () => {
    expect(checkGame(arenaGame(RULES), 'games/arena/arena.ts').spatial).toEqual({ x: 'x', y: 'y', viewRadius: 3 });
  });

  it.each([1, 2, 3])('decides every move as the zone does (random script %i)', (seed) => {
    const zone = walledZone({ spawn: RULES.spawn });
    const room = new RulesRoom({ game: arenaGame(RULES), roomId: 'z1', clock: new ManualClock(0) });
    const decided = { accepted: 0, rejected: new Set<string>() };
    const random = new SeededRandom(seed);
    let seq = 1;
    for (let tick = 1; tick <= 300; tick++) {
      const commands: ZoneCommand[] =
        tick === 1 ? [{ kind: 'join', playerId: 'p', seq }] : nextMoves(random, zone.player('p')!, tick, () => ++seq);
      const z = stepWith(zone, ...commands);
      for (const c of commands)
        room.enqueue(
          c.kind === 'move'
            ? { kind: 'command', playerId: c.playerId, seq: c.seq, command: { type: 'move', tick: c.tick, x: c.x, y: c.y } }
            : { kind: 'join', playerId: c.playerId, seq: c.seq },
        );
      const r = room.step();
      expect(r.rejections.map((j) => [j.seq, j.reason])).toEqual(z.rejections.map((j) => [j.seq, j.reason]));
      const moved = z.events.filter((e) => e.type === 'game.player.moved');
      expect(r.events.filter((e) => e.type === 'game.player.moved').map((e) => e.data)).toEqual(moved.map((e) => e.data));
      const { x, y } = room.state.entities.get('p')!;
      expect({ x, y }).toEqual({ x: zone.player('p')!.x, y: zone.player('p')!.y });
      decided.accepted += moved.length;
      for (const j of z.rejections) decided.rejected.add(j.reason);
    }
    // The script exercised both sides of the rules, not just one.
    expect(decided.accepted).toBeGreaterThan(20);
    expect(decided.rejected.size).toBeGreaterThanOrEqual(3);
  });
});
