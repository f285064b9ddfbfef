/**
 * @module The arena — the movement game the zone engine was built around — as a game on the rules
 * API: players walk a walled map; a move is checked for sequence, rate, bounds, speed, teleport and
 * walls exactly as the zone checks it (the same `validateMove`, on a one-player view of the entity).
 * It opts into interest management (`spatial`). The zone engine still runs the arena itself, on its
 * byte-compatible fast path; this module is the arena's rules as any game would write them.
 */
import type { Clock } from '@tickline/kernel';
import { positionStepFor } from '@tickline/protocol';
import { accept, defineGame, field, reject, type RoomState, type Values } from '../../rules/index.ts';
import { PlayerJoined, PlayerLeft, PlayerMoved } from '../../zone/events.ts';
import { GameErrorCodes, RejectReason } from '../../zone/errors.ts';
import type { MoveCommand } from '../../zone/commands.ts';
import type { PlayerTable } from '../../zone/player-table.ts';
import { validateMove } from '../../zone/validate-move.ts';
import { resolveZoneOptions, type ZoneOptions } from '../../zone/zone-config.ts';

/** The arena's rules are the zone's options (map, speeds, limits, view radius). */
export type ArenaOptions = Omit<ZoneOptions, 'zoneId' | 'clock' | 'lastEventSeq'>;

/** "Never" of the zone's -Infinity, as an integer a field can hold (compares the same way). */
const NEVER = Number.MIN_SAFE_INTEGER;
const TICK = field.int(NEVER, Number.MAX_SAFE_INTEGER);
/** The options are rules only: nothing in them reads the clock. */
const NO_CLOCK: Clock = { now: () => 0, monotonic: () => 0 };

/** The arena's reject reasons are the zone's movement codes, with their documented meanings. */
const REASONS = Object.fromEntries(
  [
    RejectReason.MoveTooFast,
    RejectReason.Teleport,
    RejectReason.OutOfBounds,
    RejectReason.Blocked,
    RejectReason.RateLimited,
    RejectReason.StaleSeq,
  ].map((code) => [code, GameErrorCodes[code].meaning]),
);

/** The arena with the given rules. */
export function arenaGame(options: ArenaOptions = {}) {
  const o = resolveZoneOptions({ ...options, zoneId: 'arena', clock: NO_CLOCK });
  // Positions go out as the zone's do: quantised to its wire step (the power of two at or above
  // it, so a position is exact in a 32-bit float: 5 bytes a coordinate instead of 9).
  const step = 2 ** Math.ceil(Math.log2(positionStepFor(o.map.width, o.map.height, o.positionStep)));
  const entity = {
    x: field.float(0, o.map.width, { step }),
    y: field.float(0, o.map.height, { step }),
    // The move checks' counters: kept, snapshotted and replayed with the room, sent to nobody (no
    // client reads them, and they change with every move: each would ride every frame).
    lastClientTick: field.serverOnly(TICK),
    lastMoveTick: field.serverOnly(TICK),
    rateWindow: field.serverOnly(TICK),
    rateCount: field.serverOnly(field.int(0, Number.MAX_SAFE_INTEGER)),
  };
  type Entity = Values<typeof entity>;
  const room = {};
  type State = RoomState<typeof room, typeof entity>;

  /**
   * The entity as the one row of a player table, so the zone's own checks run on it unchanged. One
   * table per game, filled for each move: handlers run one at a time, and a table of seven arrays
   * made per move was the largest allocation of a busy arena room.
   */
  const row = {
    x: [0],
    y: [0],
    lastSeq: [-Infinity],
    lastClientTick: [0],
    lastMoveTick: [0],
    rateWindow: [0],
    rateCount: [0],
  };
  const table = row as unknown as PlayerTable;
  const never = (n: number): number => (n === NEVER ? -Infinity : n);
  const ever = (n: number): number => (n === -Infinity ? NEVER : n);
  function asTable(e: Entity): PlayerTable {
    row.x[0] = e.x;
    row.y[0] = e.y;
    // The engine has checked the sequence already; the arena judges ticks, rate and geometry.
    row.lastSeq[0] = -Infinity;
    row.lastClientTick[0] = never(e.lastClientTick);
    row.lastMoveTick[0] = never(e.lastMoveTick);
    row.rateWindow[0] = never(e.rateWindow);
    row.rateCount[0] = e.rateCount;
    return table;
  }
  /** The move as the zone's checks read it: one object per game, filled per move, as the row is. */
  const cmd: MoveCommand = { kind: 'move', playerId: '', seq: 1, tick: 0, x: 0, y: 0 };
  function keepCounters(e: Entity, t: PlayerTable): void {
    e.lastClientTick = ever(t.lastClientTick[0]!);
    e.rateWindow = ever(t.rateWindow[0]!);
    e.rateCount = t.rateCount[0]!;
  }

  return defineGame({
    name: 'arena',
    version: 1,
    players: { min: 1, max: o.maxPlayers },
    state: { room, entity },
    commands: { move: { tick: TICK, x: field.float(-Number.MAX_VALUE), y: field.float(-Number.MAX_VALUE) } },
    reasons: REASONS,
    events: [PlayerJoined, PlayerMoved, PlayerLeft],
    spatial: { x: 'x', y: 'y', viewRadius: o.viewRadius },
    init: () => ({}),
    join(state: State, playerId, ctx) {
      const { x, y } = o.spawn;
      state.entities.set(playerId, {
        x,
        y,
        lastClientTick: NEVER,
        lastMoveTick: NEVER,
        rateWindow: NEVER,
        rateCount: 0,
      });
      ctx.emit(PlayerJoined, { zoneId: ctx.roomId, playerId, x, y, tick: ctx.tick }, playerId);
      return accept();
    },
    leave(state: State, playerId, ctx) {
      const e = state.entities.get(playerId)!;
      ctx.emit(
        PlayerLeft,
        { zoneId: ctx.roomId, playerId, x: e.x, y: e.y, tick: ctx.tick, reason: 'left' },
        playerId,
      );
    },
    command(state: State, playerId, move, ctx) {
      const e = state.entities.get(playerId)!;
      const t = asTable(e);
      cmd.playerId = playerId;
      cmd.tick = move.tick;
      cmd.x = move.x;
      cmd.y = move.y;
      const reason = validateMove(t, 0, cmd, ctx.tick, o);
      keepCounters(e, t);
      // A refused move still counts against the rate window, as in the zone.
      if (reason !== undefined) return reject(reason, { keep: true });
      e.x = move.x;
      e.y = move.y;
      e.lastMoveTick = move.tick;
      if (o.emitMoveEvents)
        ctx.emit(
          PlayerMoved,
          { zoneId: ctx.roomId, playerId, x: move.x, y: move.y, tick: ctx.tick, seq: ctx.seq },
          playerId,
        );
      return accept();
    },
  });
}
