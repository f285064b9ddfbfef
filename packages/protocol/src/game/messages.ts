/**
 * @module The game messages, shared by the game server and the SDK. On the wire each message is a
 * MessagePack array `[version, type, ...fields]`: positional fields keep frames small at 20 Hz.
 */

/** The protocol version every message carries first. */
export const GAME_PROTOCOL_VERSION = 1;

/** Message type codes. Client → server below 64, server → client from 64. */
export const MessageType = {
  Hello: 1,
  Move: 2,
  Ping: 3,
  Leave: 4,
  HeartbeatAck: 5,
  Welcome: 64,
  Ack: 65,
  Reject: 66,
  Delta: 67,
  Notice: 68,
  Pong: 69,
  Error: 70,
  Close: 71,
  Heartbeat: 72,
  SharedDelta: 73,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A visible player: id and position. */
export type EntityState = [id: string, x: number, y: number];

export interface HelloMessage {
  type: typeof MessageType.Hello;
  token: string;
  resumeSession?: string;
}
export interface MoveMessage {
  type: typeof MessageType.Move;
  seq: number;
  tick: number;
  x: number;
  y: number;
}
export interface PingMessage {
  type: typeof MessageType.Ping;
  nonce: number;
}
export interface LeaveMessage {
  type: typeof MessageType.Leave;
  seq: number;
}
/** The answer to a server {@link HeartbeatMessage}, echoing its nonce. */
export interface HeartbeatAckMessage {
  type: typeof MessageType.HeartbeatAck;
  nonce: number;
}

export interface WelcomeMessage {
  type: typeof MessageType.Welcome;
  playerId: string;
  zoneId: string;
  sessionId: string;
  tick: number;
  tickRateHz: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The last client seq the zone applied: after a resume, resend only commands after it. */
  lastSeq: number;
  /** True when this hello resumed an existing session (the player kept its place). */
  resumed: boolean;
}
export interface AckMessage {
  type: typeof MessageType.Ack;
  seq: number;
  tick: number;
  x: number;
  y: number;
}
export interface RejectMessage {
  type: typeof MessageType.Reject;
  seq: number;
  tick: number;
  reason: string;
  x: number;
  y: number;
}
export interface DeltaMessage {
  type: typeof MessageType.Delta;
  tick: number;
  entered: EntityState[];
  moved: EntityState[];
  left: string[];
}
/**
 * A delta encoded once and sent unchanged to every viewer of one interest region (all of whom
 * see the same players). It reads like {@link DeltaMessage}, except that it may list the
 * receiving player itself among `moved`: a client skips its own entry (its own position comes
 * with acks).
 */
export interface SharedDeltaMessage {
  type: typeof MessageType.SharedDelta;
  tick: number;
  entered: EntityState[];
  moved: EntityState[];
  left: string[];
}
export interface NoticeMessage {
  type: typeof MessageType.Notice;
  level: 'info' | 'warn';
  text: string;
}
export interface PongMessage {
  type: typeof MessageType.Pong;
  nonce: number;
  serverTime: number;
}
export interface ErrorMessage {
  type: typeof MessageType.Error;
  code: string;
  message: string;
}
/** The last message before the server closes a connection: why (a stable `GAME_*` code). */
export interface CloseMessage {
  type: typeof MessageType.Close;
  code: string;
  message: string;
}
/**
 * The server's heartbeat: a client answers with {@link HeartbeatAckMessage}. A client silent for
 * the idle timeout is closed; a client that hears nothing for long should reconnect and resume.
 */
export interface HeartbeatMessage {
  type: typeof MessageType.Heartbeat;
  nonce: number;
  tick: number;
  serverTime: number;
}

export type ClientMessage = HelloMessage | MoveMessage | PingMessage | LeaveMessage | HeartbeatAckMessage;
export type ServerMessage =
  | WelcomeMessage
  | AckMessage
  | RejectMessage
  | DeltaMessage
  | SharedDeltaMessage
  | NoticeMessage
  | PongMessage
  | ErrorMessage
  | CloseMessage
  | HeartbeatMessage;
export type GameMessage = ClientMessage | ServerMessage;
