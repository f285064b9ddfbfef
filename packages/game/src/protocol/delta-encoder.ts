/**
 * @module Encoding interest deltas fast: each visible player's `[id, x, y]` is encoded once per
 * tick and copied into every viewer's delta, instead of being built and packed again for each of
 * the viewers that see it. The bytes are a valid MessagePack `[version, Delta, tick, entered,
 * moved, left]` (numbers as float64) that {@link decodeMessage} reads like any other message; a
 * group's shared delta is encoded once for all its viewers.
 */
import type { ViewDelta } from '../zone/interest.ts';
import type { PlayerTable } from '../zone/player-table.ts';
import { GAME_PROTOCOL_VERSION, MessageType } from '@tickline/protocol';

const FLOAT64 = 0xcb;
const UINT32 = 0xce;
const MAX_UINT32 = 0xffff_ffff;

function arrayHeaderBytes(length: number): number {
  return length < 16 ? 1 : length < 0x1_0000 ? 3 : 5;
}

function writeArrayHeader(out: Buffer, at: number, length: number): number {
  if (length < 16) {
    out[at] = 0x90 | length;
    return at + 1;
  }
  if (length < 0x1_0000) {
    out[at] = 0xdc;
    out.writeUInt16BE(length, at + 1);
    return at + 3;
  }
  out[at] = 0xdd;
  out.writeUInt32BE(length, at + 1);
  return at + 5;
}

/** A MessagePack string. */
function encodeString(text: string): Buffer {
  const bytes = Buffer.byteLength(text);
  const head = bytes < 32 ? 1 : bytes < 0x100 ? 2 : bytes < 0x1_0000 ? 3 : 5;
  const out = Buffer.allocUnsafe(head + bytes);
  if (bytes < 32) out[0] = 0xa0 | bytes;
  else if (bytes < 0x100) {
    out[0] = 0xd9;
    out[1] = bytes;
  } else if (bytes < 0x1_0000) {
    out[0] = 0xda;
    out.writeUInt16BE(bytes, 1);
  } else {
    out[0] = 0xdb;
    out.writeUInt32BE(bytes, 1);
  }
  out.write(text, head, 'utf8');
  return out;
}

/** Encodes the deltas of one zone; one instance per zone, reused across ticks. */
export class DeltaEncoder {
  readonly #entities = new Map<number, Buffer>();
  #generation = 0;
  #entityGeneration = new Map<number, number>();

  /** Starts a new tick: positions encoded for the previous one are stale. */
  nextTick(): void {
    this.#generation++;
  }

  /**
   * The encoded delta for one viewer (same content as `deltaMessageFrom` + `encodeMessage`), or —
   * with `type` {@link MessageType.SharedDelta} — for every viewer of a view group.
   * @default type MessageType.Delta
   */
  encode(
    tick: number,
    delta: ViewDelta,
    players: PlayerTable,
    type: typeof MessageType.Delta | typeof MessageType.SharedDelta = MessageType.Delta,
  ): Buffer {
    const left = delta.left.map(encodeString);
    let size = 1 + 2 + (tick <= MAX_UINT32 ? 5 : 9);
    size += arrayHeaderBytes(delta.entered.length) + arrayHeaderBytes(delta.moved.length);
    size += arrayHeaderBytes(left.length);
    for (const slot of delta.entered) size += this.#entity(slot, players).length;
    for (const slot of delta.moved) size += this.#entity(slot, players).length;
    for (const id of left) size += id.length;
    const out = Buffer.allocUnsafe(size);
    out[0] = 0x96; // fixarray of 6
    out[1] = GAME_PROTOCOL_VERSION;
    out[2] = type;
    let at = 3;
    if (tick <= MAX_UINT32) {
      out[at] = UINT32;
      out.writeUInt32BE(tick, at + 1);
      at += 5;
    } else {
      out[at] = FLOAT64;
      out.writeDoubleBE(tick, at + 1);
      at += 9;
    }
    at = writeArrayHeader(out, at, delta.entered.length);
    for (const slot of delta.entered) at += this.#entity(slot, players).copy(out, at);
    at = writeArrayHeader(out, at, delta.moved.length);
    for (const slot of delta.moved) at += this.#entity(slot, players).copy(out, at);
    at = writeArrayHeader(out, at, left.length);
    for (const id of left) at += id.copy(out, at);
    return out;
  }

  /** `[id, x, y]` of a slot at this tick, encoded once. */
  #entity(slot: number, players: PlayerTable): Buffer {
    const cached = this.#entities.get(slot);
    if (cached && this.#entityGeneration.get(slot) === this.#generation) return cached;
    const id = encodeString(players.ids[slot]!);
    const out = Buffer.allocUnsafe(1 + id.length + 18);
    out[0] = 0x93;
    id.copy(out, 1);
    let at = 1 + id.length;
    out[at] = FLOAT64;
    out.writeDoubleBE(players.x[slot]!, at + 1);
    at += 9;
    out[at] = FLOAT64;
    out.writeDoubleBE(players.y[slot]!, at + 1);
    this.#entities.set(slot, out);
    this.#entityGeneration.set(slot, this.#generation);
    return out;
  }
}
