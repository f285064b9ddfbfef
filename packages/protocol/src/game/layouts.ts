/**
 * @module The fixed layout of every message type: the wire array is `[version, type, ...fields]`
 * with the fields in this order. The encoder checks values against it and the strict decoder reads
 * exactly it; a new message type is a new row here and a new interface in `messages.ts`.
 */
import { MessageType } from './messages.ts';

/**
 * What a field may hold: `str` a string, `str?` a string or nil, `int` a safe integer, `u32` an
 * integer in 0 … 2³² − 1 (a client `seq`, which tick frames carry in four bytes), `num` a finite
 * number, `bool`, `level` `'info' | 'warn'`, `bin` MessagePack binary (a room command or frame,
 * bounded by the message size). The per-tick {@link MessageType.Tick} has no layout
 * here: it is the binary frame of `tick-frame.ts`.
 */
export type FieldKind = 'str' | 'str?' | 'int' | 'u32' | 'num' | 'bool' | 'level' | 'bin';

/** One message type's fields, in wire order. */
export type Layout = ReadonlyArray<readonly [name: string, kind: FieldKind]>;

/** The longest string field, in UTF-16 code units (what JavaScript's `length` counts). */
export const MAX_STRING_LENGTH = 4096;
/**
 * The most bytes a string field may declare: UTF-8 needs at most 3 bytes per UTF-16 code unit, so
 * no string of {@link MAX_STRING_LENGTH} units is longer. Checked before a byte is decoded.
 */
export const MAX_STRING_BYTES = 3 * MAX_STRING_LENGTH;

export const LAYOUTS: Readonly<Record<number, Layout>> = {
  [MessageType.Hello]: [
    ['token', 'str'],
    ['resumeSession', 'str?'],
  ],
  [MessageType.Move]: [
    ['seq', 'u32'],
    ['tick', 'int'],
    ['x', 'num'],
    ['y', 'num'],
  ],
  [MessageType.Ping]: [['nonce', 'int']],
  [MessageType.Leave]: [['seq', 'u32']],
  [MessageType.HeartbeatAck]: [['nonce', 'int']],
  [MessageType.RoomJoin]: [
    ['token', 'str'],
    ['room', 'str?'],
    ['game', 'str?'],
    ['code', 'str?'],
  ],
  [MessageType.RoomCommand]: [
    ['seq', 'u32'],
    ['command', 'bin'],
  ],
  [MessageType.RoomWelcome]: [
    ['playerId', 'str'],
    ['roomId', 'str'],
    ['game', 'str'],
    ['gameVersion', 'int'],
    ['sessionId', 'str'],
    ['tick', 'int'],
    ['tickRateHz', 'num'],
    ['lastSeq', 'int'],
    ['resumed', 'bool'],
  ],
  [MessageType.RoomFrame]: [
    ['tick', 'int'],
    ['ack', 'int'],
    ['frame', 'bin'],
  ],
  [MessageType.RoomReject]: [
    ['seq', 'int'],
    ['tick', 'int'],
    ['reason', 'str'],
    ['message', 'str'],
  ],
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
    ['handle', 'int'],
    ['positionStep', 'num'],
  ],
  [MessageType.Reject]: [
    ['seq', 'int'],
    ['tick', 'int'],
    ['reason', 'str'],
    ['x', 'num'],
    ['y', 'num'],
  ],
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

/** The type codes this build knows (the MessagePack layouts and the binary tick frame). */
export const KNOWN_MESSAGE_TYPES: readonly number[] = [...Object.keys(LAYOUTS).map(Number), MessageType.Tick];

/** The most fields any layout has, plus version and type: the largest message array accepted. */
export const MAX_MESSAGE_ARRAY = 2 + Math.max(...Object.values(LAYOUTS).map((l) => l.length));
