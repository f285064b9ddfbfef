/** @module Builds the wire delta for one viewer from the zone's interest output. */
import type { ViewDelta } from '../zone/interest.ts';
import type { PlayerTable } from '../zone/player-table.ts';
import { MessageType, type DeltaMessage, type EntityState } from '@tickline/protocol';

const entity = (players: PlayerTable, slot: number): EntityState => [
  players.ids[slot]!,
  players.x[slot]!,
  players.y[slot]!,
];

/** Copies a viewer's delta (whose arrays the zone reuses) into a message ready to encode. */
export function deltaMessageFrom(tick: number, delta: ViewDelta, players: PlayerTable): DeltaMessage {
  return {
    type: MessageType.Delta,
    tick,
    entered: delta.entered.map((slot) => entity(players, slot)),
    moved: delta.moved.map((slot) => entity(players, slot)),
    left: [...delta.left],
  };
}
