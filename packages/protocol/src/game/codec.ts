/**
 * @module Encode and decode game messages. The encoder checks every field against its type's
 * layout and writes MessagePack `[version, type, ...fields]` with msgpackr; the decoder is the
 * strict reader, so a decoded message is always well-typed or a {@link GameProtocolError}.
 */
import { Packr } from 'msgpackr';
import { DecodeFailure, GameProtocolError } from './errors.ts';
import { LAYOUTS, MAX_STRING_LENGTH, type FieldKind } from './layouts.ts';
import { GAME_PROTOCOL_VERSION, MessageType, type GameMessage } from './messages.ts';
import { readMessage } from './strict-decoder.ts';
import { encodeRoomFrameMessage } from './room-frame-message.ts';
import { encodeTick } from './tick-frame.ts';

/** The largest encoded message accepted. @default 64 KiB */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

// Wire format v1: plain arrays and maps, no records or extension types.
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, variableMapSize: true });

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_STRING_LENGTH;

function valid(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'str':
      return isStr(v);
    case 'str?':
      return v === undefined || v === null || isStr(v);
    case 'int':
      return Number.isSafeInteger(v);
    case 'u32':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;
    case 'num':
      return Number.isFinite(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'level':
      return v === 'info' || v === 'warn';
    case 'bin':
      return v instanceof Uint8Array;
  }
}

/**
 * Encodes a message as MessagePack `[version, type, ...fields]` (a {@link MessageType.Tick} as its
 * binary frame).
 * @throws GameProtocolError `GAME_PROTOCOL_UNKNOWN_TYPE` or `_MALFORMED` (a field that does not fit).
 */
export function encodeMessage(message: GameMessage): Uint8Array {
  if (message.type === MessageType.Tick) return encodeTick(message);
  if (
    message.type === MessageType.RoomFrame &&
    Number.isSafeInteger(message.tick) &&
    Number.isSafeInteger(message.ack) &&
    message.frame instanceof Uint8Array
  ) {
    const bytes = encodeRoomFrameMessage(message.tick, message.ack, message.frame);
    if (bytes) return bytes;
  }
  const layout = LAYOUTS[message.type];
  if (!layout)
    throw new GameProtocolError('GAME_PROTOCOL_UNKNOWN_TYPE', `unknown message type ${String(message.type)}`);
  const record = message as unknown as Record<string, unknown>;
  const wire: unknown[] = [GAME_PROTOCOL_VERSION, message.type];
  for (const [name, kind] of layout) {
    const v = record[name];
    if (!valid(kind, v))
      throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', `field ${name} is invalid`, {
        reason: DecodeFailure.InvalidValue,
        field: name,
      });
    wire.push(v ?? null);
  }
  return packr.pack(wire);
}

/** Options for {@link decodeMessage}. */
export interface DecodeMessageOptions {
  /** @default DEFAULT_MAX_MESSAGE_BYTES */
  maxBytes?: number;
}

/**
 * Decodes one message, reading exactly its type's layout.
 * @throws GameProtocolError `GAME_PROTOCOL_TOO_LARGE`, `_MALFORMED`, `_VERSION` or `_UNKNOWN_TYPE`.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeMessageOptions = {}): GameMessage {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (bytes.length > maxBytes) {
    throw new GameProtocolError(
      'GAME_PROTOCOL_TOO_LARGE',
      `message of ${bytes.length} bytes exceeds ${maxBytes}`,
      { reason: DecodeFailure.MessageTooLarge, bytes: bytes.length, maxBytes },
    );
  }
  return readMessage(bytes);
}
