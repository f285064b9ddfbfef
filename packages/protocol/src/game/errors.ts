/**
 * @module Errors of the game wire protocol: the `GAME_PROTOCOL_*` catalogue and the error the codec
 * and the frame decoder throw. Protocol imports nothing of ours, so the error is shaped like the
 * kernel's `TicklineError` (`code`, `message`, `details`, `toJSON`) and the game server registers the
 * catalogue with the kernel's, which feeds `docs/errors.md` and the gateway's status table.
 */

/** One catalogue entry, the same shape as the kernel's `ErrorDescription`. */
export interface ProtocolErrorDescription {
  /** What went wrong, in one sentence. */
  meaning: string;
  /** What the caller should do about it. */
  resolve: string;
  /** HTTP status used when the code reaches the gateway (and `4000 + status` as a WebSocket close code). */
  httpStatus: number;
}

export const GameProtocolErrorCodes = {
  GAME_PROTOCOL_MALFORMED: {
    meaning:
      'A game message was not in the fixed MessagePack layout of its type: not a message array, a field of the wrong type, a map, binary, extension type or unexpected nesting, invalid UTF-8, a truncated message or trailing bytes.',
    resolve: 'Fix the client; the connection is closed with this reason and the zone is not affected.',
    httpStatus: 400,
  },
  GAME_PROTOCOL_TOO_LARGE: {
    meaning: 'A game frame, message or string declared a size larger than the maximum.',
    resolve: 'Send smaller messages; the limit protects the server from memory exhaustion.',
    httpStatus: 413,
  },
  GAME_PROTOCOL_UNKNOWN_TYPE: {
    meaning: 'A game message carried a type code this build does not know.',
    resolve: 'Upgrade the server or the client so both speak the same message set.',
    httpStatus: 400,
  },
  GAME_PROTOCOL_VERSION: {
    meaning: 'A game message carried a protocol version this build does not speak.',
    resolve: 'Upgrade the client (or server) to the announced protocol version.',
    httpStatus: 400,
  },
} as const satisfies Record<string, ProtocolErrorDescription>;

export type GameProtocolErrorCode = keyof typeof GameProtocolErrorCodes;

/** Why the strict decoder refused a message: `details.reason` of a {@link GameProtocolError}. */
export const DecodeFailure = {
  /** A declared length or a value runs past the end of the message. */
  Truncated: 'truncated',
  /** Bytes follow the last field of the message. */
  TrailingBytes: 'trailing-bytes',
  /** A MessagePack type the layout does not allow here (map, bin, nil, nested array …). */
  UnexpectedType: 'unexpected-type',
  /** A MessagePack extension type (never part of the protocol). */
  ExtensionType: 'extension-type',
  /** The array has more or fewer fields than the message type's layout. */
  FieldCount: 'field-count',
  /** A string declared more bytes than the protocol's string limit. */
  StringTooLong: 'string-too-long',
  /** A string's bytes are not valid UTF-8. */
  InvalidUtf8: 'invalid-utf8',
  /** The type is right but the value is not (a fractional seq, an unknown notice level, NaN …). */
  InvalidValue: 'invalid-value',
  /** The message or frame is larger than the limit. */
  MessageTooLarge: 'message-too-large',
} as const;
export type DecodeFailure = (typeof DecodeFailure)[keyof typeof DecodeFailure];

/** A message or frame that cannot be accepted; `code` says why, `details.reason` how. */
export class GameProtocolError extends Error {
  override name = 'GameProtocolError';
  readonly code: GameProtocolErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: GameProtocolErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `error` carries a `GAME_PROTOCOL_*` code (by shape, so copies of the class match too). */
export function isGameProtocolError(error: unknown): error is GameProtocolError {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(GameProtocolErrorCodes, code);
}
