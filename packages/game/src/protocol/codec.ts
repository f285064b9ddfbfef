/**
 * @module Encode and decode game messages with strict validation: every field is checked by a
 * per-type layout, so a decoded message is always well-typed or a {@link GameProtocolError}.
 */
import { Packr } from 'msgpackr';
import { GameProtocolError } from './errors.ts';
import { GAME_PROTOCOL_VERSION, MessageType, type GameMessage } from './messages.ts';

/** The largest encoded message accepted. @default 64 KiB */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

type FieldKind = 'str' | 'str?' | 'int' | 'num' | 'bool' | 'level' | 'entities' | 'strs';
const MAX_STRING = 4096;

// Positional layouts: the wire array is [version, type, ...fields in this order].
const DELTA_LAYOUT: ReadonlyArray<readonly [string, FieldKind]> = [
  ['tick', 'int'],
  ['entered', 'entities'],
  ['moved', 'entities'],
  ['left', 'strs'],
];
const LAYOUTS: Record<number, ReadonlyArray<readonly [string, FieldKind]>> = {
  [MessageType.Hello]: [
    ['token', 'str'],
    ['resumeSession', 'str?'],
  ],
  [MessageType.Move]: [
    ['seq', 'int'],
    ['tick', 'int'],
    ['x', 'num'],
    ['y', 'num'],
  ],
  [MessageType.Ping]: [['nonce', 'int']],
  [MessageType.Leave]: [['seq', 'int']],
  [MessageType.HeartbeatAck]: [['nonce', 'int']],
  [MessageType.Welcome]: [
    ['playerId', 'str'],
    ['zoneId', 'str'],
    ['sessionId', 'str'],
    ['tick', 'int'],
    ['tickRateHz', 'num'],
    ['x', 'num'],
    ['y', 'num'],
    ['width', 'num'],
    ['height', 'num'],
    ['lastSeq', 'int'],
    ['resumed', 'bool'],
  ],
  [MessageType.Ack]: [
    ['seq', 'int'],
    ['tick', 'int'],
    ['x', 'num'],
    ['y', 'num'],
  ],
  [MessageType.Reject]: [
    ['seq', 'int'],
    ['tick', 'int'],
    ['reason', 'str'],
    ['x', 'num'],
    ['y', 'num'],
  ],
  [MessageType.Delta]: DELTA_LAYOUT,
  [MessageType.SharedDelta]: DELTA_LAYOUT,
  [MessageType.Notice]: [
    ['level', 'level'],
    ['text', 'str'],
  ],
  [MessageType.Pong]: [
    ['nonce', 'int'],
    ['serverTime', 'num'],
  ],
  [MessageType.Error]: [
    ['code', 'str'],
    ['message', 'str'],
  ],
  [MessageType.Close]: [
    ['code', 'str'],
    ['message', 'str'],
  ],
  [MessageType.Heartbeat]: [
    ['nonce', 'int'],
    ['tick', 'int'],
    ['serverTime', 'num'],
  ],
};

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, variableMapSize: true });

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_STRING;
const isEntity = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 3 && isStr(v[0]) && Number.isFinite(v[1]) && Number.isFinite(v[2]);

function valid(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'str':
      return isStr(v);
    case 'str?':
      return v === undefined || v === null || isStr(v);
    case 'int':
      return Number.isSafeInteger(v);
    case 'num':
      return Number.isFinite(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'level':
      return v === 'info' || v === 'warn';
    case 'entities':
      return Array.isArray(v) && v.every(isEntity);
    case 'strs':
      return Array.isArray(v) && v.every(isStr);
  }
}

/** Encodes a message as MessagePack `[version, type, ...fields]`. */
export function encodeMessage(message: GameMessage): Uint8Array {
  const layout = LAYOUTS[message.type];
  if (!layout)
    throw new GameProtocolError('GAME_PROTOCOL_UNKNOWN_TYPE', `unknown message type ${String(message.type)}`);
  const record = message as unknown as Record<string, unknown>;
  const wire: unknown[] = [GAME_PROTOCOL_VERSION, message.type];
  for (const [name, kind] of layout) {
    const v = record[name];
    if (!valid(kind, v))
      throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', `field ${name} is invalid`, { field: name });
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
 * Decodes and validates one message.
 * @throws GameProtocolError `GAME_PROTOCOL_TOO_LARGE`, `_MALFORMED`, `_VERSION` or `_UNKNOWN_TYPE`.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeMessageOptions = {}): GameMessage {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (bytes.length > maxBytes) {
    throw new GameProtocolError(
      'GAME_PROTOCOL_TOO_LARGE',
      `message of ${bytes.length} bytes exceeds ${maxBytes}`,
      { bytes: bytes.length, maxBytes },
    );
  }
  let wire: unknown;
  try {
    wire = packr.unpack(bytes);
  } catch (cause) {
    throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', `not MessagePack: ${(cause as Error).message}`);
  }
  if (!Array.isArray(wire) || wire.length < 2)
    throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', 'a message is an array [version, type, ...]');
  if (wire[0] !== GAME_PROTOCOL_VERSION)
    throw new GameProtocolError('GAME_PROTOCOL_VERSION', `unsupported protocol version ${String(wire[0])}`, {
      version: wire[0],
    });
  const type = wire[1] as number;
  const layout = LAYOUTS[type];
  if (!layout)
    throw new GameProtocolError('GAME_PROTOCOL_UNKNOWN_TYPE', `unknown message type ${String(type)}`, {
      type,
    });
  if (wire.length !== layout.length + 2)
    throw new GameProtocolError(
      'GAME_PROTOCOL_MALFORMED',
      `type ${type} has ${layout.length} fields, got ${wire.length - 2}`,
    );
  const message: Record<string, unknown> = { type };
  for (let i = 0; i < layout.length; i++) {
    const [name, kind] = layout[i]!;
    const v: unknown = wire[i + 2];
    if (!valid(kind, v))
      throw new GameProtocolError('GAME_PROTOCOL_MALFORMED', `field ${name} is invalid`, { field: name });
    if (v !== null && v !== undefined) message[name] = v;
  }
  return message as unknown as GameMessage;
}
