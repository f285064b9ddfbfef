/**
 * @module `ZoneOperations` over the game runtime of this process: zone status from the runners'
 * tick statistics, live player state from the running zone, and the snapshot, notice and drain
 * operations of the game's `ZoneAdmin`, and restart through the game component.
 */
import type { ZoneAdmin } from '../admin/zone-admin.ts';
import type { ZoneRunner } from '../loop/zone-runner.ts';
import type { ZoneOperations } from './zone-operations.ts';

/** What the adapter reads from the game component. Getters: the runtime exists once started. */
export interface GameRuntimeView {
  runners: () => readonly ZoneRunner[];
  /** The zones' admin (snapshots, restore, notices, drain). */
  admin: () => ZoneAdmin;
  /** Starts a drained or stopped zone again. */
  restart: (zoneId: string) => Promise<void>;
  /** Moves a zone to another game process. */
  handOff: ZoneOperations['handOff'];
}

/** Adapts the game runtime to the platform's port. */
export function localZoneOperations(view: GameRuntimeView): ZoneOperations {
  return {
    async zones() {
      const summaries = new Map(
        view
          .admin()
          .zones()
          .map((z) => [z.zoneId, z]),
      );
      return view.runners().map((runner) => {
        const stats = runner.stats();
        const summary = summaries.get(stats.zoneId);
        const health = summary?.draining ? 'draining' : stats.paused ? 'paused' : 'ok';
        return {
          zoneId: stats.zoneId,
          ccu: stats.players,
          tick: stats.tick,
          // The runner reports 0 before its first tick: no figure yet.
          tickP50Ms: stats.tick > 0 ? stats.tickP50Ms : null,
          tickP99Ms: stats.tick > 0 ? stats.tickP99Ms : null,
          overruns: stats.overruns,
          health,
        };
      });
    },
    async livePlayer(playerId) {
      for (const runner of view.runners()) {
        const player = runner.zone.player(playerId);
        if (player) return { zoneId: runner.zoneId, x: player.x, y: player.y, tick: runner.tick };
      }
      return undefined;
    },
    async listSnapshots(zoneId) {
      const listed = await view.admin().listSnapshots(zoneId);
      return listed.map(({ id, kind, tick, players, takenAt, size }) => ({
        id,
        zoneId,
        kind,
        tick,
        players,
        takenAt,
        size,
      }));
    },
    async takeSnapshot(zoneId) {
      const { snapshot: info } = await view.admin().snapshotNow(zoneId);
      return {
        id: info.id,
        zoneId,
        kind: info.kind,
        tick: info.tick,
        players: info.players,
        takenAt: info.takenAt,
        size: info.size,
      };
    },
    async restoreSnapshot(zoneId, snapshotId) {
      const result = await view.admin().restore(zoneId, snapshotId);
      return { snapshotId: result.restored.id, tick: result.restored.tick, players: result.players };
    },
    async broadcast(notice) {
      const admin = view.admin();
      const players = admin.broadcast(notice.zoneId, notice.level, notice.text);
      return { zones: notice.zoneId === undefined ? admin.zones().length : 1, players };
    },
    async drain(zoneId, message) {
      const { playersTold } = await view.admin().drain(zoneId, message);
      return { playersTold };
    },
    async restart(zoneId) {
      await view.restart(zoneId);
    },
    handOff: (zoneId, message) => view.handOff(zoneId, message),
  };
}
