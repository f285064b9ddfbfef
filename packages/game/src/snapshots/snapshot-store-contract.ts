/**
 * @module The SnapshotStore contract: the same cases against every adapter (memory in a unit
 * test, Redis and SQL against real servers), so "latest", ordering and retention mean one thing.
 */
import { ManualClock, uuidv7 } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZoneSnapshot } from '../zone/snapshot.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import {
  decodeZoneSnapshot,
  SnapshotKind,
  toStoredSnapshot,
  type StoredSnapshot,
} from './stored-snapshot.ts';

/** How a test file opens a fresh, empty store of its adapter. */
export interface SnapshotStoreSubject {
  open(options: { maxPerZone: number }): Promise<SnapshotStore>;
}

/** A small zone state with `players` players at tick `tick`. */
export function sampleZoneSnapshot(zoneId: string, tick: number, players = 3): ZoneSnapshot {
  return {
    format: 1,
    zoneId,
    tick,
    lastLogPosition: null,
    lastEventSeq: tick * 2,
    players: Array.from({ length: players }, (_, i) => ({
      id: `p${i}`,
      x: i + tick / 10,
      y: 2 * i,
      lastSeq: tick,
      lastClientTick: i === 0 ? null : tick,
      lastMoveTick: tick - 1,
      rateWindow: null,
      rateCount: i,
    })),
  };
}

/** Runs the contract against `subject`. */
export function runSnapshotStoreContract(label: string, subject: SnapshotStoreSubject): void {
  describe(`snapshot store contract: ${label}`, () => {
    const open: SnapshotStore[] = [];
    const clock = new ManualClock(1_750_000_000_000);
    const later = () => {
      clock.advance(5);
      return clock.now();
    };
    const zone = () => `zone-${uuidv7().slice(-12)}`;
    const make = (zoneId: string, tick: number, kind: SnapshotKind = SnapshotKind.Hot): StoredSnapshot =>
      toStoredSnapshot(sampleZoneSnapshot(zoneId, tick), {
        kind,
        logPosition: tick * 10,
        takenAt: later(),
      });
    const store = async (maxPerZone = 10) => {
      const s = await subject.open({ maxPerZone });
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('snapshot store - get returns what put stored, bytes and metadata', async () => {
      const s = await store();
      const snap = make(zone(), 7, SnapshotKind.Cold);
      await s.put(snap);
      const got = await s.get(snap.id);
      expect(got).toBeDefined();
      expect({ ...got!, bytes: undefined }).toEqual({ ...snap, bytes: undefined });
      expect(Array.from(got!.bytes)).toEqual(Array.from(snap.bytes));
      const state = decodeZoneSnapshot(got!.bytes);
      expect(state.players).toEqual(sampleZoneSnapshot(snap.zoneId, 7).players);
      expect(state.lastLogPosition).toBe('70');
    });

    it('snapshot store - latest is the last put, even when its tick is lower', async () => {
      const s = await store();
      const z = zone();
      expect(await s.latest(z)).toBeUndefined();
      await s.put(make(z, 10));
      const restoredEarlier = make(z, 3);
      await s.put(restoredEarlier);
      await s.put(make(zone(), 99));
      expect((await s.latest(z))?.id).toBe(restoredEarlier.id);
    });

    it('snapshot store - list is newest first, per zone, limited', async () => {
      const s = await store();
      const z = zone();
      const puts = [make(z, 1), make(z, 2, SnapshotKind.Manual), make(z, 3)];
      for (const p of puts) await s.put(p);
      await s.put(make(zone(), 4));
      const listed = await s.list(z);
      expect(listed.map((i) => i.id)).toEqual(puts.map((p) => p.id).reverse());
      expect(listed[1]).toMatchObject({ kind: 'manual', tick: 2, logPosition: 20, players: 3 });
      expect(listed[0]).not.toHaveProperty('bytes');
      expect((await s.list(z, { limit: 2 })).map((i) => i.tick)).toEqual([3, 2]);
      expect(await s.list(zone())).toEqual([]);
    });

    it('snapshot store - keeps only the newest maxPerZone snapshots of a zone', async () => {
      const s = await store(3);
      const z = zone();
      const puts = Array.from({ length: 5 }, (_, i) => make(z, i + 1));
      for (const p of puts) await s.put(p);
      expect((await s.list(z)).map((i) => i.tick)).toEqual([5, 4, 3]);
      expect(await s.get(puts[0]!.id)).toBeUndefined();
      expect((await s.get(puts[4]!.id))?.tick).toBe(5);
    });

    it('snapshot store - putting the same id again replaces it; unknown ids are undefined', async () => {
      const s = await store();
      const first = make(zone(), 1);
      await s.put(first);
      await s.put({ ...first, tick: 2 });
      expect((await s.get(first.id))?.tick).toBe(2);
      expect(await s.list(first.zoneId)).toHaveLength(1);
      expect(await s.get(uuidv7())).toBeUndefined();
    });
  });
}
