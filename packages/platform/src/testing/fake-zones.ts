/** @module A ZoneOperations fake for route tests: two zones, snapshots in memory, calls recorded. */
import { PlatformError } from '../errors.ts';
import type { Notice, ZoneOperations, ZoneSnapshotInfo } from '../game/zone-operations.ts';

export interface FakeZones extends ZoneOperations {
  calls: string[];
  notices: Notice[];
}

export function createFakeZones(): FakeZones {
  const snapshots: ZoneSnapshotInfo[] = [];
  const calls: string[] = [];
  const notices: Notice[] = [];
  const ids = ['a', 'b'];
  const known = (zoneId: string) => {
    if (!ids.includes(zoneId)) {
      throw new PlatformError('PLATFORM_NOT_FOUND', `no zone ${zoneId}`, { details: { zoneId } });
    }
  };
  return {
    calls,
    notices,
    async zones() {
      return ids.map((zoneId, i) => ({
        zoneId,
        ccu: 3 - i,
        tick: 100,
        tickP50Ms: 0.4,
        tickP99Ms: 1.2,
        overruns: 0,
        health: 'ok',
      }));
    },
    async livePlayer(playerId) {
      return playerId.endsWith('a') ? { zoneId: 'a', x: 1, y: 2, tick: 100 } : undefined;
    },
    async listSnapshots(zoneId) {
      known(zoneId);
      return snapshots.filter((s) => s.zoneId === zoneId).reverse();
    },
    async takeSnapshot(zoneId) {
      known(zoneId);
      calls.push(`snapshot ${zoneId}`);
      const info = {
        id: `s${snapshots.length + 1}`,
        zoneId,
        kind: 'manual',
        tick: 100,
        players: 3,
        takenAt: 1,
        size: 64,
      };
      snapshots.push(info);
      return info;
    },
    async restoreSnapshot(zoneId, snapshotId) {
      known(zoneId);
      if (!snapshots.some((s) => s.id === snapshotId && s.zoneId === zoneId)) {
        throw new PlatformError('PLATFORM_NOT_FOUND', `no snapshot ${snapshotId}`);
      }
      calls.push(`restore ${zoneId} ${snapshotId}`);
      return { snapshotId, tick: 100, players: 3 };
    },
    async broadcast(notice) {
      notices.push(notice);
      return { zones: notice.zoneId ? 1 : ids.length, players: notice.zoneId ? 3 : 5 };
    },
    async drain(zoneId, message) {
      known(zoneId);
      calls.push(`drain ${zoneId} ${message}`);
      return { playersTold: 3 };
    },
    async restart(zoneId) {
      known(zoneId);
      calls.push(`restart ${zoneId}`);
    },
    async handOff(zoneId, message) {
      known(zoneId);
      calls.push(`handOff ${zoneId} ${message}`);
      return { playersTold: 3, snapshotId: 'snap-handoff', from: 'host/1', to: 'host/2' };
    },
  };
}
