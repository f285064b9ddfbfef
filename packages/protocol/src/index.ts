/**
 * @module @tickline/protocol — the contracts every side of Tickline shares: the game wire format
 * (messages, codec, framing, close codes). Server packages, the SDK (`@tickline/client`) and the
 * dashboard import them from here, so there is one definition of each and no copy to drift.
 * Depends on zod and msgpackr only.
 */
export { GAME_PROTOCOL_VERSION, MessageType } from './game/messages.ts';
export { encodeMessage, decodeMessage, DEFAULT_MAX_MESSAGE_BYTES } from './game/codec.ts';
export { KNOWN_MESSAGE_TYPES, MAX_STRING_LENGTH, MAX_STRING_BYTES } from './game/layouts.ts';
export { encodeFrame, FrameDecoder, FRAME_HEADER_BYTES, DEFAULT_MAX_FRAME_BYTES } from './game/framing.ts';
export {
  GameProtocolErrorCodes,
  GameProtocolError,
  DecodeFailure,
  isGameProtocolError,
} from './game/errors.ts';
export { GameSessionErrorCodes, GameCloseCode } from './game/close-codes.ts';

export type * from './game/messages.ts';
export type { DecodeMessageOptions } from './game/codec.ts';
export type { FieldKind, Layout } from './game/layouts.ts';
export type { GameProtocolErrorCode, ProtocolErrorDescription } from './game/errors.ts';
export type { GameSessionErrorCode } from './game/close-codes.ts';
