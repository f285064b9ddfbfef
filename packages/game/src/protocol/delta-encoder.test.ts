import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { move } from '../zone/zone-fixture.ts';
import { Zone } from '../zone/zone.ts';
import { decodeMessage, encodeMessage } from '@tickline/protocol';
import { deltaMessageFrom } from './delta.ts';
import { DeltaEncoder } from './delta-encoder.ts';

describe('delta encoder', () => {
  it('delta encoder - decodes to exactly what the generic encoder would send, tick after tick', () => {
    const zone = new Zone({ zoneId: 'z', clock: new ManualClock(), viewRadius: 30 });
    const ids = Array.from({ length: 40 }, (_, i) => (i === 3 ? 'ünïcode-😀-player' : `p${i}`));
    ids.forEach((id, i) => zone.enqueue({ kind: 'join', playerId: id, seq: 0, x: 480 + i, y: 500 }));
    zone.step();
    const encoder = new DeltaEncoder();
    let compared = 0;
    for (let t = 0; t < 30; t++) {
      ids.forEach((id, i) => {
        if ((i + t) % 3 !== 0) return;
        const p = zone.player(id);
        if (!p) return;
        zone.enqueue(move(id, t + 1, zone.tick, p.x + (t % 10 < 5 ? 0.45 : -0.45), p.y));
      });
      if (t === 12) zone.enqueue({ kind: 'leave', playerId: 'p7', seq: 99 });
      zone.step();
      encoder.nextTick();
      zone.broadcast((_viewer, delta) => {
        const fast = decodeMessage(encoder.encode(zone.tick, delta, zone.players));
        const generic = decodeMessage(encodeMessage(deltaMessageFrom(zone.tick, delta, zone.players)));
        expect(fast).toEqual(generic);
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('delta encoder - long arrays and large ticks use the wider headers', () => {
    const zone = new Zone({ zoneId: 'z', clock: new ManualClock(), viewRadius: 100 });
    for (let i = 0; i < 70_000 / 1000; i++)
      zone.enqueue({ kind: 'join', playerId: `q${i}`, seq: 0, x: 500, y: 500 });
    zone.step();
    const encoder = new DeltaEncoder();
    encoder.nextTick();
    zone.broadcast((_viewer, delta) => {
      const decoded = decodeMessage(encoder.encode(2 ** 33, delta, zone.players));
      expect(decoded).toMatchObject({ tick: 2 ** 33 });
      expect((decoded as { entered: unknown[] }).entered).toHaveLength(69);
    });
  });
});
