import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { Zone } from './zone.ts';

/**
 * Grouped interest (one delta per view group) must send every viewer exactly what a per-viewer
 * distance check would: this compares each broadcast with a brute-force model of who sees whom.
 */
type Model = Map<string, Set<string>>;

/** mulberry32: repeatable runs. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function zoneOf(viewRadius: number): Zone {
  return new Zone({
    zoneId: 'groups',
    clock: new ManualClock(0),
    map: { cellSize: 10, rows: Array(20).fill('.'.repeat(20)) },
    viewRadius,
    maxSpeedPerTick: 100,
    teleportDistance: 1000,
    maxPlayers: 64,
  });
}

/** Who `viewer` sees now, by the definition: every other player within the radius. */
function seenBy(zone: Zone, viewer: string): Set<string> {
  const me = zone.player(viewer)!;
  const r2 = zone.options.viewRadius ** 2;
  const out = new Set<string>();
  for (const id of zone.players.ids) {
    if (id === undefined || id === viewer) continue;
    const p = zone.player(id)!;
    if ((p.x - me.x) ** 2 + (p.y - me.y) ** 2 <= r2) out.add(id);
  }
  return out;
}

/** Runs random joins, moves and leaves around (cx, cy) within `spread`, checking each broadcast. */
function run(viewRadius: number, spread: number, seed: number): { shared: number } {
  const random = seededRandom(seed);
  const zone = zoneOf(viewRadius);
  const model: Model = new Map();
  const at = () => 100 + (random() - 0.5) * 2 * spread;
  let shared = 0;
  let seq = 1;
  for (let tick = 1; tick <= 60; tick++) {
    const leaving = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const id = `p${Math.floor(random() * 48)}`;
      const p = zone.player(id);
      const roll = random();
      // A leave and a join of the same id in one tick is a different player to its viewers.
      if (leaving.has(id)) continue;
      if (!p) zone.enqueue({ kind: 'join', playerId: id, seq: seq++, x: at(), y: at() });
      else if (roll < 0.05) {
        leaving.add(id);
        zone.enqueue({ kind: 'leave', playerId: id, seq: seq++ });
      } else if (roll < 0.6) zone.enqueue({ kind: 'move', playerId: id, seq: seq++, tick, x: at(), y: at() });
    }
    const before = new Map([...model].map(([k, v]) => [k, new Set(v)]));
    const movedSince = new Set<string>();
    zone.step();
    for (const id of zone.players.ids)
      if (id && zone.players.changedTick[zone.players.slotOf(id)!] === tick) movedSince.add(id);
    for (const id of model.keys()) if (!zone.player(id)) model.delete(id);
    const visited = new Set<string>();
    zone.broadcastShared((viewer, delta, group, slot) => {
      if (group) shared++;
      visited.add(viewer);
      const name = (s: number) => zone.players.ids[s]!;
      const old = before.get(viewer) ?? new Set<string>();
      const now = seenBy(zone, viewer);
      const moved = delta.moved.filter((s) => s !== slot).map(name);
      expect(delta.entered.map(name).sort()).toEqual([...now].filter((id) => !old.has(id)).sort());
      expect(moved.sort()).toEqual([...now].filter((id) => old.has(id) && movedSince.has(id)).sort());
      expect([...delta.left].sort()).toEqual([...old].filter((id) => !now.has(id)).sort());
      model.set(viewer, now);
    });
    for (const id of zone.players.ids) {
      if (id === undefined || visited.has(id)) continue;
      const old = before.get(id) ?? new Set<string>();
      const now = seenBy(zone, id);
      // Not visited means nothing changed for this viewer.
      expect([...now].sort()).toEqual([...old].sort());
      expect([...now].filter((o) => movedSince.has(o))).toEqual([]);
      model.set(id, now);
    }
  }
  return { shared };
}

describe('interest - grouped deltas match a per-viewer distance check', () => {
  it('crowd - everyone within reach of everyone: deltas are shared and exact', () => {
    const { shared } = run(30, 8, 1);
    expect(shared).toBeGreaterThan(1000);
  });

  it('mixed - a crowd larger than the view: partial cells fall back to exact per-viewer deltas', () => {
    run(15, 25, 2);
  });

  it('scatter - players all over the map', () => {
    run(10, 95, 3);
  });
});
