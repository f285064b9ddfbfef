/**
 * @module A rules room's state as plain data for hot and cold snapshots, tagged with its game's
 * name and version: a snapshot of another version is migrated by the game's own `migrate`, or
 * refused with `GAME_RULES_VERSION`.
 */
import { valuesProblem } from './fields.ts';
import { GameRulesError } from './rules-error.ts';
import type { AnyGameRules, PlainRoomState, RoomState } from './types.ts';

/** Bumped when the snapshot's own shape changes (not the game's: that is `gameVersion`). */
export const ROOM_SNAPSHOT_FORMAT = 1;

export interface RoomSnapshot {
  format: typeof ROOM_SNAPSHOT_FORMAT;
  game: string;
  gameVersion: number;
  roomId: string;
  tick: number;
  lastEventSeq: number;
  /** The random source's state, so a restored room draws what the original would have. */
  random: number;
  players: { id: string; lastSeq: number }[];
  state: PlainRoomState;
  /** Why the room closed; undefined (or null, after a round trip) while it is open. */
  closed: { code: string; message: string } | undefined | null;
}

/** The state of `snapshot` for `game`, migrated when it is older; throws GAME_RULES_VERSION or GAME_RULES_INVALID. */
export function restoreRoomState(game: AnyGameRules, snapshot: RoomSnapshot): RoomState<any, any> {
  if (snapshot.format !== ROOM_SNAPSHOT_FORMAT)
    throw new RangeError(`unsupported room snapshot format ${String(snapshot.format)}`);
  if (snapshot.game !== game.name)
    throw new GameRulesError('GAME_RULES_VERSION', `snapshot of room ${snapshot.roomId} is of game ${snapshot.game}, not ${game.name}`);
  let plain = snapshot.state;
  if (snapshot.gameVersion !== game.version) {
    if (snapshot.gameVersion > game.version || game.migrate === undefined)
      throw new GameRulesError(
        'GAME_RULES_VERSION',
        `snapshot of room ${snapshot.roomId} is of ${game.name} v${snapshot.gameVersion}; this server runs v${game.version}` +
          (game.migrate ? ' (no downgrade)' : ' and the game has no migrate'),
        { details: { roomId: snapshot.roomId, from: snapshot.gameVersion, to: game.version } },
      );
    try {
      plain = game.migrate(structuredClone(plain), snapshot.gameVersion);
    } catch (error) {
      throw new GameRulesError('GAME_RULES_ERROR', `${game.name}.migrate from v${snapshot.gameVersion} threw`, { cause: error });
    }
  }
  const problem =
    valuesProblem(game.state.room, plain.room) ??
    plain.entities.map(([id, v]) => valuesProblem(game.state.entity, v) && `entity ${id}`).find(Boolean);
  if (problem)
    throw new GameRulesError('GAME_RULES_INVALID', `snapshot of room ${snapshot.roomId} does not fit ${game.name} v${game.version}: ${problem}`);
  const entities = new Map(plain.entities.map(([id, v]) => [id, { ...v }]));
  return { room: { ...plain.room }, entities } as RoomState<any, any>;
}
