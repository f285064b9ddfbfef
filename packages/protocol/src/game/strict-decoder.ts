/**
 * @module The strict game decoder: a MessagePack reader for exactly the layouts in `layouts.ts`.
 * A general MessagePack decoder allocates whatever a frame declares (a 4 GiB string header, a
 * million-element array, nested maps, extension types) before anyone looks at it; this one checks
 * every header against the layout and against the bytes actually left before it reads or
 * allocates anything, and refuses the frame with a coded {@link GameProtocolError} otherwise.
 */
import { DecodeFailure, GameProtocolError, type GameProtocolErrorCode } from './errors.ts';
import {
  LAYOUTS,
  MAX_MESSAGE_ARRAY,
  MAX_STRING_BYTES,
  MAX_STRING_LENGTH,
  type FieldKind,
} from './layouts.ts';
import { GAME_PROTOCOL_VERSION, type GameMessage } from './messages.ts';
import { readTick, TICK_FRAME_MARKER } from './tick-frame.ts';

// Strings this short and ASCII are built directly: TextDecoder's per-call cost dominates for ids.
const ASCII_FAST_PATH_BYTES = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A read position in one message; every read checks the bytes left first. */
class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.at;
  }

  fail(code: GameProtocolErrorCode, reason: DecodeFailure, message: string, extra: object = {}): never {
    throw new GameProtocolError(code, message, { reason, offset: this.at, ...extra });
  }

  malformed(reason: DecodeFailure, message: string, extra: object = {}): never {
    return this.fail('GAME_PROTOCOL_MALFORMED', reason, message, extra);
  }

  /** Claims `n` bytes and returns where they start. */
  take(n: number): number {
    if (n > this.left) this.malformed(DecodeFailure.Truncated, `needs ${n} bytes, ${this.left} left`);
    const start = this.at;
    this.at += n;
    return start;
  }

  /** The next marker byte. */
  marker(): number {
    return this.bytes[this.take(1)]!;
  }

  /** Refuses a marker the layout does not allow here, naming what it is. */
  unexpected(marker: number, expected: string): never {
    this.at--;
    if ((marker >= 0xc7 && marker <= 0xc9) || (marker >= 0xd4 && marker <= 0xd8))
      this.malformed(DecodeFailure.ExtensionType, `extension type where ${expected} was expected`, {
        marker,
      });
    this.malformed(DecodeFailure.UnexpectedType, `${describe(marker)} where ${expected} was expected`, {
      marker,
    });
  }
}

function describe(marker: number): string {
  if (marker <= 0x7f || marker >= 0xe0 || (marker >= 0xcc && marker <= 0xd3)) return 'an integer';
  if (marker === 0xca || marker === 0xcb) return 'a float';
  if ((marker >= 0x80 && marker <= 0x8f) || marker === 0xde || marker === 0xdf) return 'a map';
  if ((marker >= 0x90 && marker <= 0x9f) || marker === 0xdc || marker === 0xdd) return 'an array';
  if ((marker >= 0xa0 && marker <= 0xbf) || (marker >= 0xd9 && marker <= 0xdb)) return 'a string';
  if (marker >= 0xc4 && marker <= 0xc6) return 'binary';
  if (marker === 0xc0) return 'nil';
  if (marker === 0xc2 || marker === 0xc3) return 'a boolean';
  return `marker 0x${marker.toString(16)}`;
}

/** A number of any MessagePack numeric encoding, or undefined when the marker is not numeric. */
function readNumber(r: Reader, marker: number): number | undefined {
  if (marker <= 0x7f) return marker;
  if (marker >= 0xe0) return marker - 0x100;
  switch (marker) {
    case 0xcc:
      return r.view.getUint8(r.take(1));
    case 0xcd:
      return r.view.getUint16(r.take(2));
    case 0xce:
      return r.view.getUint32(r.take(4));
    case 0xcf: {
      const at = r.take(8);
      return r.view.getUint32(at) * 0x1_0000_0000 + r.view.getUint32(at + 4);
    }
    case 0xd0:
      return r.view.getInt8(r.take(1));
    case 0xd1:
      return r.view.getInt16(r.take(2));
    case 0xd2:
      return r.view.getInt32(r.take(4));
    case 0xd3:
      return Number(r.view.getBigInt64(r.take(8)));
    case 0xca:
      return r.view.getFloat32(r.take(4));
    case 0xcb:
      return r.view.getFloat64(r.take(8));
    default:
      return undefined;
  }
}

function readInt(r: Reader, name: string): number {
  const marker = r.marker();
  const value = readNumber(r, marker);
  if (value === undefined) return r.unexpected(marker, `integer ${name}`);
  if (!Number.isSafeInteger(value)) r.malformed(DecodeFailure.InvalidValue, `${name} is not a safe integer`);
  return value;
}

function readNum(r: Reader, name: string): number {
  const marker = r.marker();
  const value = readNumber(r, marker);
  if (value === undefined) return r.unexpected(marker, `number ${name}`);
  if (!Number.isFinite(value)) r.malformed(DecodeFailure.InvalidValue, `${name} is not finite`);
  return value;
}

/** A string's byte length from its header, or undefined when the marker is not a string. */
function stringBytes(r: Reader, marker: number): number | undefined {
  if (marker >= 0xa0 && marker <= 0xbf) return marker & 0x1f;
  if (marker === 0xd9) return r.view.getUint8(r.take(1));
  if (marker === 0xda) return r.view.getUint16(r.take(2));
  if (marker === 0xdb) return r.view.getUint32(r.take(4));
  return undefined;
}

function readStrBody(r: Reader, name: string, length: number): string {
  if (length > MAX_STRING_BYTES)
    r.fail('GAME_PROTOCOL_TOO_LARGE', DecodeFailure.StringTooLong, `${name} declares ${length} bytes`, {
      bytes: length,
      maxBytes: MAX_STRING_BYTES,
    });
  const start = r.take(length);
  const bytes = r.bytes;
  let text: string | undefined;
  if (length <= ASCII_FAST_PATH_BYTES) {
    text = '';
    for (let i = start; i < start + length; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) {
        text = undefined;
        break;
      }
      text += String.fromCharCode(byte);
    }
  }
  if (text === undefined) {
    try {
      text = utf8.decode(bytes.subarray(start, start + length));
    } catch {
      r.at = start;
      return r.malformed(DecodeFailure.InvalidUtf8, `${name} is not valid UTF-8`);
    }
  }
  if (text.length > MAX_STRING_LENGTH)
    r.malformed(DecodeFailure.InvalidValue, `${name} is longer than ${MAX_STRING_LENGTH}`);
  return text;
}

function readStr(r: Reader, name: string): string {
  const marker = r.marker();
  const length = stringBytes(r, marker);
  if (length === undefined) return r.unexpected(marker, `string ${name}`);
  return readStrBody(r, name, length);
}

/** Binary (bin 8/16/32): a copy of its bytes, whose length was checked against the bytes left. */
function readBin(r: Reader, name: string): Uint8Array {
  const marker = r.marker();
  let length: number;
  if (marker === 0xc4) length = r.view.getUint8(r.take(1));
  else if (marker === 0xc5) length = r.view.getUint16(r.take(2));
  else if (marker === 0xc6) length = r.view.getUint32(r.take(4));
  else return r.unexpected(marker, `binary ${name}`);
  const start = r.take(length);
  // A plain Uint8Array (not the transport's Buffer) that owns its bytes.
  const out = new Uint8Array(length);
  out.set(r.bytes.subarray(start, start + length));
  return out;
}

function readField(r: Reader, name: string, kind: FieldKind): unknown {
  switch (kind) {
    case 'bin':
      return readBin(r, name);
    case 'str':
      return readStr(r, name);
    case 'str?': {
      if (r.bytes[r.at] !== 0xc0) return readStr(r, name);
      r.at++;
      return undefined;
    }
    case 'int':
      return readInt(r, name);
    case 'u32': {
      const value = readInt(r, name);
      if (value < 0 || value > 0xffff_ffff)
        r.malformed(DecodeFailure.InvalidValue, `${name} is not a uint32`);
      return value;
    }
    case 'num':
      return readNum(r, name);
    case 'bool': {
      const marker = r.marker();
      if (marker === 0xc2) return false;
      if (marker === 0xc3) return true;
      return r.unexpected(marker, `boolean ${name}`);
    }
    case 'level': {
      const level = readStr(r, name);
      if (level !== 'info' && level !== 'warn')
        r.malformed(DecodeFailure.InvalidValue, `${name} is ${level}`);
      return level;
    }
  }
}

/**
 * Reads one message of exactly its type's layout. Checks in order: the array header (2 to
 * {@link MAX_MESSAGE_ARRAY} elements), the version, the type, the field count, each field, and
 * that nothing follows.
 * @throws GameProtocolError `GAME_PROTOCOL_MALFORMED`, `_TOO_LARGE`, `_VERSION` or `_UNKNOWN_TYPE`
 * with `details.reason` (a {@link DecodeFailure}) and `details.offset`.
 */
export function readMessage(bytes: Uint8Array): GameMessage {
  if (bytes[0] === TICK_FRAME_MARKER) return readTick(bytes);
  const r = new Reader(bytes);
  const marker = r.marker();
  if (marker < 0x90 || marker > 0x9f) return r.unexpected(marker, 'a message array [version, type, ...]');
  const count = marker & 0x0f;
  if (count < 2 || count > MAX_MESSAGE_ARRAY)
    r.malformed(DecodeFailure.FieldCount, `a message array has ${count} elements`, { count });
  const version = readInt(r, 'version');
  if (version !== GAME_PROTOCOL_VERSION)
    r.fail(
      'GAME_PROTOCOL_VERSION',
      DecodeFailure.InvalidValue,
      `protocol version ${version} is not supported: this side speaks version ${GAME_PROTOCOL_VERSION}`,
      { version, supported: GAME_PROTOCOL_VERSION },
    );
  const type = readInt(r, 'type');
  const layout = LAYOUTS[type];
  if (!layout)
    return r.fail('GAME_PROTOCOL_UNKNOWN_TYPE', DecodeFailure.InvalidValue, `unknown message type ${type}`, {
      type,
    });
  if (count !== layout.length + 2)
    r.malformed(DecodeFailure.FieldCount, `type ${type} has ${layout.length} fields, got ${count - 2}`, {
      type,
    });
  const message: Record<string, unknown> = { type };
  for (const [name, kind] of layout) {
    const value = readField(r, name, kind);
    if (value !== undefined) message[name] = value;
  }
  if (r.left !== 0) r.malformed(DecodeFailure.TrailingBytes, `${r.left} bytes after the last field`);
  return message as unknown as GameMessage;
}
