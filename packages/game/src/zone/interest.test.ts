import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { ViewDelta } from './interest.ts';
import { move, stepWith } from './zone-fixture.ts';
import { Zone } from './zone.ts';

/** An open 100 × 100 zone with a view radius of 10 and generous speed, so tests can reposition freely. */
function openZone(broadcastEveryTicks = 1): Zone {
  return new Zone({
    zoneId: 'open',
    clock: new ManualClock(0),
    map: { cellSize: 10, rows: Array(10).fill('.'.repeat(10)) },
    viewRadius: 10,
    maxSpeedPerTick: 100,
    teleportDistance: 1000,
    broadcastEveryTicks,
  });
}

type Seen = { entered: string[]; moved: string[]; left: string[] };

/** Runs a broadcast and returns each viewer's delta as player ids. */
function broadcast(zone: Zone): Record<string, Seen> {
  const out: Record<string, Seen> = {};
  zone.broadcast((viewer: string, d: ViewDelta) => {
    const name = (slot: number) => zone.players.ids[slot]!;
    out[viewer] = {
      entered: d.entered.map(name).sort(),
      moved: d.moved.map(name).sort(),
      left: [...d.left].sort(),
    };
  });
  return out;
}

const join = (playerId: string, x: number, y: number) => ({ kind: 'join' as const, playerId, seq: 1, x, y });

describe('interest - who sees whom', () => {
  it('radius - players outside the view radius are never sent', () => {
    // Given A and B close together and C far away
    const zone = openZone();
    stepWith(zone, join('a', 50, 50), join('b', 55, 50), join('c', 85, 85));
    // When deltas are computed
    const seen = broadcast(zone);
    // Then A and B see each other, C sees nobody and nobody sees C
    expect(seen).toEqual({
      a: { entered: ['b'], moved: [], left: [] },
      b: { entered: ['a'], moved: [], left: [] },
    });
    // And after C wanders around far away, still nobody hears of it
    for (let i = 0; i < 5; i++) {
      stepWith(zone, move('c', 2 + i, zone.tick + 1, 85 - i, 85));
      expect(JSON.stringify(broadcast(zone))).not.toContain('"c"');
    }
  });

  it('deltas - entering, moving within and leaving view produce enter, move and leave', () => {
    const zone = openZone();
    stepWith(zone, join('a', 50, 50), join('b', 80, 50));
    expect(broadcast(zone)).toEqual({});
    stepWith(zone, move('b', 2, 2, 58, 50));
    expect(broadcast(zone)).toEqual({
      a: { entered: ['b'], moved: [], left: [] },
      b: { entered: ['a'], moved: [], left: [] },
    });
    stepWith(zone, move('b', 3, 3, 57, 51));
    expect(broadcast(zone)).toEqual({ a: { entered: [], moved: ['b'], left: [] } });
    stepWith(zone, move('b', 4, 4, 75, 50));
    expect(broadcast(zone)).toEqual({
      a: { entered: [], moved: [], left: ['b'] },
      b: { entered: [], moved: [], left: ['a'] },
    });
  });

  it('deltas - a player leaving the zone is reported as left to those who saw it', () => {
    const zone = openZone();
    stepWith(zone, join('a', 50, 50), join('b', 52, 50));
    broadcast(zone);
    stepWith(zone, { kind: 'leave', playerId: 'b', seq: 2 });
    expect(broadcast(zone)).toEqual({ a: { entered: [], moved: [], left: ['b'] } });
  });

  it('broadcast rate - changes between broadcasts accumulate into one delta', () => {
    const zone = openZone(3);
    stepWith(zone, join('a', 50, 50), join('b', 52, 50));
    broadcast(zone);
    const due = [stepWith(zone, move('b', 2, 2, 53, 50)), stepWith(zone, move('b', 3, 3, 54, 50))].map(
      (r) => r.tick % 3 === 0,
    );
    expect(due).toEqual([false, true]);
    expect(broadcast(zone)).toEqual({ a: { entered: [], moved: ['b'], left: [] } });
  });
});
